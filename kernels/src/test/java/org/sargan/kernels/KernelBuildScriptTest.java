package org.sargan.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * src/main/cuda/build.sh with a stand-in nvcc: an old or broken toolkit must not fail the Maven build; the reason
 * goes into NO_KERNELS, which the backend reports. In strict mode the same failure fails the build.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
class KernelBuildScriptTest {
    private static Path fakeNvcc(Path dir, String body) throws Exception {
        Path f = dir.resolve("nvcc");
        Files.writeString(f, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
        return f;
    }

    private static int build(Path nvcc, Path out, boolean strict) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(List.of("bash", "src/main/cuda/build.sh", out.toString()))
                .redirectErrorStream(true);
        pb.environment().put("NVCC", nvcc.toString());
        pb.environment().put("SARGAN_KERNELS_STRICT", strict ? "1" : "0");
        Process p = pb.start();
        p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return p.exitValue();
    }

    @Test
    void anOldNvccBuildsOnWithoutKernelsAndSaysWhy(@TempDir Path dir) throws Exception {
        Path nvcc = fakeNvcc(dir, """
                if [ "$1" = --version ]; then echo "Cuda compilation tools, release 11.4, V11.4.48"; exit 0; fi
                echo "nvcc fatal   : Unsupported gpu architecture 'compute_90'" >&2
                exit 1""");
        Path out = dir.resolve("out");
        assertEquals(0, build(nvcc, out, false));
        String reason = Files.readString(out.resolve("NO_KERNELS"), StandardCharsets.UTF_8);
        assertTrue(reason.contains("nvcc release 11.4 failed on "), reason);
        assertTrue(reason.contains("Unsupported gpu architecture 'compute_90'"), reason);
        try (var files = Files.list(out)) {
            assertFalse(files.anyMatch(f -> f.toString().endsWith(".fatbin")), "no half set of kernels");
        }
        assertEquals(1, build(nvcc, dir.resolve("strict"), true), "strict mode fails the build");
    }

    @Test
    void anNvccThatDoesNotRunBuildsOnWithoutKernels(@TempDir Path dir) throws Exception {
        Path nvcc = fakeNvcc(dir, "echo 'error while loading shared libraries: libcudart.so.12' >&2; exit 127");
        Path out = dir.resolve("out");
        assertEquals(0, build(nvcc, out, false));
        String reason = Files.readString(out.resolve("NO_KERNELS"), StandardCharsets.UTF_8);
        assertTrue(reason.contains("does not run: error while loading shared libraries"), reason);
    }
}
