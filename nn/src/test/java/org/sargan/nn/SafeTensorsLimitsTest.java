package org.sargan.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.sargan.core.Tensor;

/** Headers bounded in nesting, files written with the usual permissions, metadata readable without the tensors. */
class SafeTensorsLimitsTest {
    @TempDir
    Path dir;

    private Path withHeader(String json) throws IOException {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        Path f = dir.resolve("deep.safetensors");
        Files.write(f, b.array());
        return f;
    }

    @Test
    void aHeaderNestedTenThousandDeepIsACleanError() throws IOException {
        Path f = withHeader("{\"a\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}");
        IOException e = assertThrows(IOException.class, () -> SafeTensors.read(f));
        assertTrue(e.getMessage().contains("corrupt header: invalid JSON at character "), e.getMessage());
        assertTrue(e.getMessage().contains("nested deeper than " + Json.MAX_DEPTH + " levels"), e.getMessage());
        assertThrows(IOException.class, () -> SafeTensors.readMetadata(f));
        // as deep as the limit is still fine
        Path ok = withHeader("{\"__metadata__\":{\"k\":\"v\"},\"a\":" + "[".repeat(Json.MAX_DEPTH - 1)
                + "]".repeat(Json.MAX_DEPTH - 1) + "}");
        assertThrows(IOException.class, () -> SafeTensors.read(ok), "a is no tensor entry");
        assertEquals(Map.of("k", "v"), SafeTensors.readMetadata(ok));
    }

    @Test
    @EnabledOnOs({OS.LINUX, OS.MAC})
    void writtenFilesGetTheUsualPermissionsNotOwnerOnly() throws IOException {
        Path f = dir.resolve("ck.safetensors");
        SafeTensors.write(f, Map.of("w", Tensor.of(new float[] {1, 2}, 2)), Map.of());
        Path plain = Files.createFile(dir.resolve("plain"));
        Set<PosixFilePermission> expected = Files.getPosixFilePermissions(plain);
        assertEquals(expected, Files.getPosixFilePermissions(f), "mode 0666 less the umask, as for any new file");
    }

    @Test
    void metadataIsReadFromTheHeaderAlone() throws IOException {
        Path f = dir.resolve("m.safetensors");
        SafeTensors.write(f, Map.of("w", Tensor.of(new float[] {1, 2, 3}, 3)), Map.of("iteration", "20"));
        byte[] all = Files.readAllBytes(f);
        // cut the tensor data: read() refuses the file, readMetadata() still answers
        Files.write(f, Arrays.copyOf(all, all.length - 4));
        assertThrows(IOException.class, () -> SafeTensors.read(f));
        assertEquals(Map.of("iteration", "20"), SafeTensors.readMetadata(f));
    }
}
