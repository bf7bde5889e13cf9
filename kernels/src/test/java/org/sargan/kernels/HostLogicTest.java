package org.sargan.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The CUDA backend's host-side arithmetic and bookkeeping, which runs (and is tested) without a GPU. */
class HostLogicTest {
    // ---- launch shapes ----

    @Test
    void linearLaunchCoversEveryElementOrCapsTheGrid() {
        LaunchShape s = LaunchShape.linear(1000, 1 << 20);
        assertEquals(4, s.gridX());
        assertEquals(256, s.blockX());
        assertTrue(s.threads() >= 1000);
        LaunchShape capped = LaunchShape.linear(10_000_000L, 528);
        assertEquals(528, capped.gridX(), "a grid-stride kernel gets at most maxBlocks blocks");
        assertEquals(1, LaunchShape.linear(1, 528).gridX());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LaunchShape.linear(0, 8));
        assertTrue(e.getMessage().contains("0 elements"), e.getMessage());
    }

    @Test
    void gemmTilesAndSplitK() {
        LaunchShape t = LaunchShape.tiles(130, 259, 128, 128, 1, 256);
        assertEquals(3, t.gridX(), "columns: ceil(259 / 128)");
        assertEquals(2, t.gridY(), "rows: ceil(130 / 128)");
        // a weight gradient: 64 x 490 outputs over K = 131072 pixels on 132 SMs: 4 tiles, so split K
        int splits = LaunchShape.splitK(64, 490, 131072, 128, 128, 132, 512);
        assertEquals(66, splits, "two blocks per SM over 4 tiles");
        assertEquals(1, LaunchShape.splitK(2048, 2048, 2048, 128, 128, 132, 512), "256 tiles fill the GPU already");
        assertEquals(2, LaunchShape.splitK(1024, 1024, 1024, 128, 128, 132, 512), "64 tiles: half the SMs, K / 512");
        assertEquals(1, LaunchShape.splitK(5, 7, 300, 128, 128, 132, 512), "K too short to split");
        assertEquals(5, LaunchShape.splitK(5, 7, 3001, 128, 128, 4, 512), "K / 512 slices at most");
    }

    @Test
    void instanceNormBlocksFitThePlane() {
        assertEquals(64, CudaNormalization.normThreads(1), "at least two warps");
        assertEquals(64, CudaNormalization.normThreads(63));
        assertEquals(128, CudaNormalization.normThreads(1024), "32 x 32: 8 pixels per thread");
        assertEquals(512, CudaNormalization.normThreads(16384), "128 x 128: 32 pixels per thread, the register limit");
        assertEquals(512, CudaNormalization.normThreads(1 << 20), "beyond the registers: the re-reading kernels");
        for (int hw = 1; hw <= 16384; hw += 97) {
            int t = CudaNormalization.normThreads(hw);
            assertEquals(Integer.bitCount(t), 1, "a power of two: " + t);
            assertTrue(t * 32 >= hw, "every pixel has a register slot: " + hw + " on " + t);
        }
    }

    @Test
    void longReductionsWithFewOutputsAreSplit() {
        assertEquals(16, CudaReductions.sumSplits(64, 131072, 132), "a bias gradient at 128 px: 8 blocks per SM");
        assertEquals(1, CudaReductions.sumSplits(2048, 131072, 132), "enough outputs to fill the GPU");
        assertEquals(1, CudaReductions.sumSplits(2, 4000, 132), "too few summands to be worth a second pass");
        assertEquals(2, CudaReductions.sumSplits(2, 9000, 4), "at least 4096 summands per slice");
    }

    /** A split-K slice starts on a staged tile: sgemm_kernel2 and 3 step through K by TK (K_STEP) at a time. */
    @Test
    void splitKSlicesAreWholeKSteps() {
        for (int k : new int[] {1, 7, 8, 513, 3001, 131072}) {
            for (int splits = 1; splits <= 40; splits++) {
                int per = CudaLinearAlgebra.kPerSplit(k, splits);
                assertEquals(0, per % CudaLinearAlgebra.K_STEP, "k " + k + " in " + splits + " slices: " + per);
                assertTrue((long) per * splits >= k, "k " + k + " in " + splits + " slices of " + per);
            }
        }
    }

    @Test
    void impossibleLaunchesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new LaunchShape(1, 70000, 1, 32, 1, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LaunchShape(1, 1, 1, 64, 32, 1));
        assertTrue(e.getMessage().contains("1024"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LaunchShape(0, 1, 1, 32, 1, 1));
    }

    // ---- index plans ----

    /**
     * Offsets in a and b of linear index i: unravel i over the shape and dot with the strides, as
     * {@code plan_offsets} in common.cuh does.
     */
    private static long[] offsets(int[] shape, int[] a, int[] b, long i) {
        long oa = 0;
        long ob = 0;
        for (int d = shape.length - 1; d >= 0; d--) {
            long c = i % shape[d];
            i /= shape[d];
            oa += c * a[d];
            ob += c * b[d];
        }
        return new long[] {oa, ob};
    }

    @Test
    void mergedPlansVisitTheSameOffsetsAsTheFullShape() {
        Random rng = new Random(3);
        for (int trial = 0; trial < 300; trial++) {
            int rank = 1 + rng.nextInt(6);
            int[] out = new int[rank];
            int[] small = new int[rank];
            for (int d = 0; d < rank; d++) {
                out[d] = 1 + rng.nextInt(4);
                small[d] = rng.nextBoolean() ? out[d] : 1;
            }
            int[] a = IndexPlan.broadcastStrides(small, out);
            int[] b = IndexPlan.contiguous(out);
            IndexPlan p = IndexPlan.of(out, a, b);
            long n = 1;
            for (int v : out) {
                n *= v;
            }
            assertEquals(n, p.numel());
            for (long i = 0; i < n; i++) {
                // the merged plan must visit the same offsets, in the same order, as the full shape
                assertArrayEquals(offsets(out, a, b, i), offsets(p.shape, p.a, p.b, i), "index " + i + " of " + p);
            }
        }
    }

    @Test
    void aBroadcastBiasMergesToTwoDimensions() {
        int[] out = {8, 64, 32, 32};
        IndexPlan p = IndexPlan.of(out, IndexPlan.broadcastStrides(new int[] {1, 64, 1, 1}, out),
                IndexPlan.contiguous(out));
        assertEquals(3, p.rank(), p.toString());  // (8) x (64) x (1024): the batch and pixels cannot merge with C
        IndexPlan same = IndexPlan.of(out, IndexPlan.contiguous(out), IndexPlan.contiguous(out));
        assertEquals(1, same.rank(), "contiguous on both sides: one flat loop");
    }

    @Test
    void planPacksAsTheStructOfCommonCuh() {
        IndexPlan p = IndexPlan.of(new int[] {3, 5}, new int[] {0, 1}, new int[] {5, 1});
        int[] packed = p.pack();
        assertEquals(1 + 3 * IndexPlan.MAX_DIMS, packed.length);
        assertEquals(2, packed[0]);
        assertEquals(3, packed[1]);
        assertEquals(5, packed[2]);
        assertEquals(0, packed[1 + IndexPlan.MAX_DIMS]);
        assertEquals(1, packed[2 + IndexPlan.MAX_DIMS]);
        assertEquals(5, packed[1 + 2 * IndexPlan.MAX_DIMS]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> IndexPlan.of(new int[] {2, 3}, new int[] {1}, new int[] {3, 1}));
        assertTrue(e.getMessage().contains("rank"), e.getMessage());
    }

    @Test
    void tooManyDimensionsAfterMergingIsAnError() {
        int[] shape = {2, 2, 2, 2, 2, 2, 2, 2, 2};
        int[] alternating = new int[9];
        for (int d = 0; d < 9; d++) {
            alternating[d] = d % 2 == 0 ? 0 : 1 << (9 - d);  // broadcast every other dimension: nothing merges
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> IndexPlan.of(shape, alternating, IndexPlan.contiguous(shape)));
        assertTrue(e.getMessage().contains("at most 8"), e.getMessage());
    }

    // ---- kernel arguments ----

    @Test
    void argumentsKeepOrderKindsAndLittleEndianBytes() {
        KernelArgs a = new KernelArgs().i(7).f(1.5f).ints(new int[] {2, 3});
        assertEquals(List.of(KernelArgs.Kind.INT, KernelArgs.Kind.FLOAT, KernelArgs.Kind.INTS), a.kinds());
        assertArrayEquals(new byte[] {7, 0, 0, 0}, a.bytes(0));
        int bits = Float.floatToIntBits(1.5f);
        assertArrayEquals(new byte[] {(byte) bits, (byte) (bits >> 8), (byte) (bits >> 16), (byte) (bits >> 24)},
                a.bytes(1));
        assertArrayEquals(new byte[] {2, 0, 0, 0, 3, 0, 0, 0}, a.bytes(2));
        assertEquals("(7, 1.5, [2, 3])", a.toString());
    }

    @Test
    void structArgumentsAreCopiedWhenAdded() {
        int[] plan = {1, 2};
        KernelArgs a = new KernelArgs().ints(plan);
        plan[0] = 99;
        assertArrayEquals(new byte[] {1, 0, 0, 0, 2, 0, 0, 0}, a.bytes(0));
    }

    // ---- the caching allocator ----

    /** A fake driver: hands out numbered blocks, remembers which are live, can be made to run out. */
    private static final class FakeRaw implements DeviceMemory.Raw<Long> {
        long next = 1;
        long capacity = Long.MAX_VALUE;
        long used;
        final List<Long> freed = new ArrayList<>();
        final Map<Long, Long> sizes = new HashMap<>();

        @Override
        public Long alloc(long bytes) {
            if (used + bytes > capacity) {
                return null;
            }
            used += bytes;
            sizes.put(next, bytes);
            return next++;
        }

        @Override
        public void free(Long block) {
            used -= sizes.remove(block);
            freed.add(block);
        }
    }

    /**
     * Blocks given back at once (as a closing MemoryScope does) no longer count towards a collection: a steady
     * state of varied sizes, far past gcEveryBytes in total, never asks for System.gc().
     */
    @Test
    void blocksFreedByScopeNeedNoCollection() {
        DeviceMemory<Long> mem = new DeviceMemory<>(new FakeRaw(), 20_000);  // one step holds 15 KiB
        for (int step = 0; step < 200; step++) {
            List<DeviceMemory.Block<Long>> made = new ArrayList<>();
            for (long bytes = 600; bytes < 6000; bytes *= 2) {
                made.add(mem.allocate(bytes + step % 3, "step " + step));
            }
            made.forEach(mem::release);
        }
        assertEquals(0, mem.collections(), mem.toString());
        assertTrue(mem.counts()[0] <= 5, "one driver allocation per size class: " + mem);
    }

    @Test
    void sizeClasses() {
        assertEquals(512, DeviceMemory.sizeClass(1));
        assertEquals(512, DeviceMemory.sizeClass(512));
        assertEquals(1024, DeviceMemory.sizeClass(513));
        assertEquals(1 << 20, DeviceMemory.sizeClass((1 << 20) - 5));
        long big = 3_000_000;  // next power of two 4 MiB, classes of 512 KiB
        assertEquals(3_145_728, DeviceMemory.sizeClass(big));
        for (long b = 1; b < 50_000_000; b = b * 3 + 7) {
            long c = DeviceMemory.sizeClass(b);
            assertTrue(c >= b && c <= Math.max(512, b * 2), b + " -> " + c);
            if (b > (1 << 20)) {
                assertTrue(c - b <= Long.highestOneBit(b) / 4, "waste above 1 MiB is bounded: " + b + " -> " + c);
            }
        }
    }

    @Test
    void releasedBlocksAreReusedBySizeClass() {
        FakeRaw raw = new FakeRaw();
        DeviceMemory<Long> mem = new DeviceMemory<>(raw, Long.MAX_VALUE);
        DeviceMemory.Block<Long> a = mem.allocate(1000, "a");
        assertEquals(1024, a.bytes());
        assertEquals(1024, mem.inUse());
        mem.release(a);
        assertEquals(0, mem.inUse());
        assertEquals(1024, mem.cached());
        DeviceMemory.Block<Long> b = mem.allocate(900, "b");
        assertEquals(a.handle(), b.handle(), "same size class: the cached block comes back");
        DeviceMemory.Block<Long> c = mem.allocate(5000, "c");
        assertTrue(!c.handle().equals(a.handle()));
        assertArrayEquals(new long[] {2, 1}, mem.counts(), "two driver allocations, one reuse");
        assertEquals(1024 + 8192, mem.peak());
    }

    @Test
    void whenTheDeviceIsFullTheCacheIsReturnedAndTheRequestRetried() {
        FakeRaw raw = new FakeRaw();
        raw.capacity = 4096;
        DeviceMemory<Long> mem = new DeviceMemory<>(raw, Long.MAX_VALUE);
        DeviceMemory.Block<Long> a = mem.allocate(2048, "a");
        mem.release(a);  // cached, but of the wrong class for the next request
        DeviceMemory.Block<Long> b = mem.allocate(4000, "b");
        assertEquals(List.of(a.handle()), raw.freed, "the cached block was freed to make room");
        assertEquals(4096, b.bytes());
        CudaException e = assertThrows(CudaException.class, () -> mem.allocate(100, "conv2d (8, 3, 32, 32)"));
        assertTrue(e.getMessage().contains("conv2d (8, 3, 32, 32)") && e.getMessage().contains("out of device memory"),
                e.getMessage());
    }
}
