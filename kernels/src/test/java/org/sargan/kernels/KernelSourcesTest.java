package org.sargan.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.sargan.core.Backend;
import org.sargan.core.Backends;
import org.sargan.core.Binary;
import org.sargan.core.Unary;
import org.sargan.core.cpu.CpuBackend;

/** The contract between the Java host code and the .cu sources, and backend selection without a GPU. */
class KernelSourcesTest {
    private static final Path CUDA = Path.of("src/main/cuda");

    private static Map<String, Integer> defines(String prefix) throws IOException {
        Map<String, Integer> m = new HashMap<>();
        Matcher mt = Pattern.compile("#define " + prefix + "(\\w+) (\\d+)").matcher(Files.readString(
                CUDA.resolve("common.cuh")));
        while (mt.find()) {
            m.put(mt.group(1), Integer.parseInt(mt.group(2)));
        }
        return m;
    }

    @Test
    void opCodesAgreeWithCommonCuh() throws IOException {
        Map<String, Integer> codes = defines("OP_");
        for (Unary op : Unary.values()) {
            assertEquals(codes.get(op.name()), CudaBackend.unaryCode(op), "unary " + op);
        }
        for (Binary op : Binary.values()) {
            assertEquals(codes.get(op.name()), CudaBackend.binaryCode(op), "binary " + op);
        }
        assertEquals(defines("MAX_").get("DIMS"), IndexPlan.MAX_DIMS, "MAX_DIMS");
    }

    @Test
    void everyModuleHasASourceFileAndEverySourceFileIsAModule() throws IOException {
        try (Stream<Path> files = Files.list(CUDA)) {
            java.util.List<String> sources = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".cu"))
                    .map(n -> n.substring(0, n.length() - 3)).sorted().toList();
            assertEquals(CudaDriver.MODULES.stream().sorted().toList(), sources);
        }
    }

    @Test
    void everyKernelIsCompiledWhenNvccIsPresent() {
        String missing = CudaDriver.missingKernels();
        Assumptions.assumeTrue(missing == null || !missing.contains("nvcc not found"),
                "built without nvcc: " + missing);
        assertEquals(null, missing, "nvcc ran, yet a kernel module is missing");
        for (String m : CudaDriver.MODULES) {
            assertNotNull(getClass().getResource(CudaDriver.RESOURCE_DIR + m + ".fatbin"), m);
        }
    }

    @Test
    void withoutAGpuAutoFallsBackToTheCpuAndCudaSaysWhy() {
        Assumptions.assumeTrue(System.getProperty("sargan.cuda.emulated") == null, "the emulator is a GPU here");
        String reason;
        try {
            CudaBackend.create();
            Assumptions.assumeTrue(false, "a GPU is present: nothing to fall back from");
            return;
        } catch (IllegalStateException e) {
            reason = e.getMessage();
        }
        assertTrue(reason.startsWith("CUDA unavailable: "), reason);
        Backend auto = Backends.select("auto");
        assertEquals(CpuBackend.INSTANCE, auto);
        IllegalStateException again = assertThrows(IllegalStateException.class, () -> Backends.select("cuda"));
        assertEquals(reason, again.getMessage(), "the reason is found once and repeated, not re-probed");
        assertTrue(Backends.available().contains("cuda"), "the provider is registered");
    }
}
