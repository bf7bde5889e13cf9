package org.sargan.train;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Housekeeping of a run folder before training starts: what an interrupted run left behind. */
final class RunFiles {
    private RunFiles() {
    }

    /**
     * Deletes the temporary files of atomic writes ({@code NAME...tmp} for each of {@code names}) that a killed run
     * left; they are never complete, the file they were to replace is.
     */
    static void removeStaleTemporaries(Path dir, PrintStream log, String... names) throws IOException {
        List<Path> stale = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                String n = p.getFileName().toString();
                for (String name : names) {
                    if (n.startsWith(name) && n.endsWith(".tmp") && n.length() > name.length() + 4
                            && Files.isRegularFile(p)) {
                        stale.add(p);
                    }
                }
            }
        }
        for (Path p : stale) {
            Files.deleteIfExists(p);
        }
        if (!stale.isEmpty()) {
            log.printf("removed %d temporary files left by an interrupted run in %s%n", stale.size(), dir);
        }
    }

    /**
     * Keeps the header and the rows of {@code csv} up to {@code iteration} (rewritten atomically) and returns them:
     * iteration -> loss name -> value. A missing file gives an empty map.
     */
    static Map<Integer, Map<String, Double>> truncateCsv(Path csv, int iteration) throws IOException {
        Map<Integer, Map<String, Double>> rows = new LinkedHashMap<>();
        if (!Files.exists(csv)) {
            return rows;
        }
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        if (lines.isEmpty()) {
            return rows;
        }
        String[] header = lines.get(0).split(",");
        List<String> kept = new ArrayList<>();
        kept.add(lines.get(0));
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", -1);
            int it;
            try {
                it = Integer.parseInt(f[0]);
            } catch (NumberFormatException e) {
                continue;
            }
            if (it > iteration || rows.containsKey(it)) {
                continue;
            }
            Map<String, Double> row = new LinkedHashMap<>();
            for (int k = 1; k < Math.min(f.length, header.length); k++) {
                if (!f[k].isEmpty()) {
                    try {
                        row.put(header[k], Double.parseDouble(f[k]));
                    } catch (NumberFormatException e) {
                        // a row cut by a kill: its last field is incomplete
                    }
                }
            }
            rows.put(it, row);
            kept.add(line);
        }
        if (kept.size() != lines.size()) {
            Path tmp = csv.resolveSibling(csv.getFileName() + ".truncate.tmp");
            Files.write(tmp, kept, StandardCharsets.UTF_8);
            Files.move(tmp, csv, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        return rows;
    }
}
