package org.sargan.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A small table rendered as Markdown, HTML or CSV. */
public final class Table {
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    public Table(String... header) {
        this.header = List.of(header);
    }

    public Table row(String... cells) {
        if (cells.length != header.size()) {
            throw new IllegalArgumentException("table row has " + cells.length + " cells, the header " + header.size());
        }
        rows.add(List.of(cells));
        return this;
    }

    /** A number with {@code digits} decimals, or "n/a" for NaN. */
    public static String num(double v, int digits) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%." + digits + "f", v);
    }

    public String markdown() {
        StringBuilder b = new StringBuilder("| ").append(String.join(" | ", header)).append(" |\n|");
        header.forEach(h -> b.append("---|"));
        b.append('\n');
        for (List<String> r : rows) {
            b.append("| ").append(String.join(" | ", r)).append(" |\n");
        }
        return b.toString();
    }

    public String html() {
        StringBuilder b = new StringBuilder("<table>\n<tr>");
        header.forEach(h -> b.append("<th>").append(escape(h)).append("</th>"));
        b.append("</tr>\n");
        for (List<String> r : rows) {
            b.append("<tr>");
            r.forEach(c -> b.append("<td>").append(escape(c)).append("</td>"));
            b.append("</tr>\n");
        }
        return b.append("</table>\n").toString();
    }

    public String csv() {
        StringBuilder b = new StringBuilder(String.join(",", header.stream().map(Table::csvCell).toList()))
                .append('\n');
        for (List<String> r : rows) {
            b.append(String.join(",", r.stream().map(Table::csvCell).toList())).append('\n');
        }
        return b.toString();
    }

    private static String csvCell(String c) {
        return c.contains(",") || c.contains("\"") ? "\"" + c.replace("\"", "\"\"") + "\"" : c;
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
