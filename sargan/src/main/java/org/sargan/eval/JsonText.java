package org.sargan.eval;

import java.util.List;
import java.util.Map;
import org.sargan.nn.Json;

/** Writes maps, lists, strings, numbers, booleans and int[][] / double[] as JSON; NaN and infinities become null. */
final class JsonText {
    private JsonText() {
    }

    static String write(Object value) {
        StringBuilder b = new StringBuilder();
        write(value, b, "");
        return b.append('\n').toString();
    }

    private static void write(Object v, StringBuilder b, String indent) {
        String in = indent + "  ";
        if (v == null) {
            b.append("null");
        } else if (v instanceof Map<?, ?> m) {
            b.append("{");
            int i = 0;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                b.append(i++ == 0 ? "\n" : ",\n").append(in).append(Json.quote(e.getKey().toString())).append(": ");
                write(e.getValue(), b, in);
            }
            b.append(m.isEmpty() ? "}" : "\n" + indent + "}");
        } else if (v instanceof List<?> l) {
            b.append("[");
            for (int i = 0; i < l.size(); i++) {
                b.append(i == 0 ? "" : ", ");
                write(l.get(i), b, in);
            }
            b.append("]");
        } else if (v instanceof int[][] m) {
            b.append("[");
            for (int i = 0; i < m.length; i++) {
                b.append(i == 0 ? "" : ", ").append(java.util.Arrays.toString(m[i]));
            }
            b.append("]");
        } else if (v instanceof double[] a) {
            b.append("[");
            for (int i = 0; i < a.length; i++) {
                b.append(i == 0 ? "" : ", ");
                write(a[i], b, in);
            }
            b.append("]");
        } else if (v instanceof Double d) {
            b.append(Double.isFinite(d) ? String.format(java.util.Locale.ROOT, "%.6g", d) : "null");
        } else if (v instanceof Number || v instanceof Boolean) {
            b.append(v);
        } else {
            b.append(Json.quote(v.toString()));
        }
    }
}
