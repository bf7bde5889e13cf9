package org.sargan.app;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Output base names for translated images: the input's name without its extension, or with the extension kept
 * ("good_jpg", "good_bmp") when two inputs would otherwise give the same name.
 */
final class OutputNames {
    private OutputNames() {
    }

    static Map<Path, String> of(List<Path> files) {
        Map<String, Integer> count = new HashMap<>();
        for (Path f : files) {
            count.merge(base(f).toLowerCase(Locale.ROOT), 1, Integer::sum);
        }
        Map<Path, String> names = new LinkedHashMap<>();
        Set<String> taken = new HashSet<>();
        for (Path f : files) {
            String name = f.getFileName().toString();
            String b = base(f);
            String n = count.get(b.toLowerCase(Locale.ROOT)) == 1 ? b : b + "_" + name.substring(b.length())
                    .replaceFirst("^\\.", "");
            // a name such as "good_jpg.png" beside "good.jpg" and "good.png" can still collide: number it
            String unique = n;
            for (int k = 2; !taken.add(unique.toLowerCase(Locale.ROOT)); k++) {
                unique = n + "_" + k;
            }
            names.put(f, unique);
        }
        return names;
    }

    private static String base(Path f) {
        return f.getFileName().toString().replaceFirst("\\.[^.]*$", "");
    }
}
