package org.sargan.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
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

    /** Every {@code #define NAME number} of one source file of src/main/cuda. */
    private static Map<String, Integer> definesOf(String file) throws IOException {
        Map<String, Integer> m = new HashMap<>();
        Matcher mt = Pattern.compile("(?m)^#define (\\w+) (\\d+)\\s*$")
                .matcher(Files.readString(CUDA.resolve(file)));
        while (mt.find()) {
            m.put(mt.group(1), Integer.parseInt(mt.group(2)));
        }
        return m;
    }

    @Test
    void opCodesAgreeWithCommonCuh() throws IOException {
        Map<String, Integer> common = definesOf("common.cuh");
        for (Unary op : Unary.values()) {
            assertEquals(common.get("OP_" + op.name()), CudaElementwise.unaryCode(op), "unary " + op);
        }
        for (Binary op : Binary.values()) {
            assertEquals(common.get("OP_" + op.name()), CudaElementwise.binaryCode(op), "binary " + op);
        }
        assertEquals(common.get("MAX_DIMS"), IndexPlan.MAX_DIMS, "MAX_DIMS");
    }

    /**
     * Each family's launch constants are written once in its Java class and once in its .cu file (the kernels
     * size shared memory and launch bounds by them); a change on one side alone fails here.
     */
    @Test
    void launchConstantsAgreeWithTheCuSources() throws IOException {
        Map<String, Integer> gemm = definesOf("linear_algebra.cu");
        assertEquals(gemm.get("TM"), CudaLinearAlgebra.TILE, "linear_algebra.cu TM vs CudaLinearAlgebra.TILE");
        assertEquals(gemm.get("TN"), CudaLinearAlgebra.TILE, "linear_algebra.cu TN vs CudaLinearAlgebra.TILE");
        assertEquals(gemm.get("TK"), CudaLinearAlgebra.K_STEP, "linear_algebra.cu TK vs CudaLinearAlgebra.K_STEP");
        assertEquals(gemm.get("GEMM_THREADS"), CudaLinearAlgebra.GEMM_THREADS, "linear_algebra.cu GEMM_THREADS");
        assertEquals(definesOf("reductions.cu").get("SUM_THREADS"), CudaReductions.SUM_THREADS,
                "reductions.cu SUM_THREADS");
        Map<String, Integer> norm = definesOf("normalization.cu");
        assertEquals(norm.get("NORM_THREADS"), CudaNormalization.NORM_THREADS, "normalization.cu NORM_THREADS");
        assertEquals(norm.get("NORM_PER_THREAD"), CudaNormalization.NORM_PER_THREAD,
                "normalization.cu NORM_PER_THREAD");
        Map<String, Integer> gate = definesOf("attention.cu");
        assertEquals(gate.get("GATE_PIX"), CudaAttention.GATE_PIX, "attention.cu GATE_PIX");
        assertEquals(gate.get("GATE_GROUPS"), CudaAttention.GATE_GROUPS, "attention.cu GATE_GROUPS");
        assertEquals(definesOf("losses.cu").get("ROW_THREADS"), CudaLosses.ROW_THREADS, "losses.cu ROW_THREADS");
    }

    @Test
    void everyModuleHasASourceFileAndEverySourceFileIsAModule() throws IOException {
        try (Stream<Path> files = Files.list(CUDA)) {
            List<String> sources = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".cu"))
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
