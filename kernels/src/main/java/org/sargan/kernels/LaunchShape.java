package org.sargan.kernels;

/**
 * The grid and block of one kernel launch, and the rules that choose them. Pure arithmetic, tested without a GPU.
 *
 * <p>Element-wise kernels use grid-stride loops, so the grid is capped (a few waves of blocks per multiprocessor)
 * and any size works; kernels that give each block a tile or a row get one block per tile.
 */
public record LaunchShape(int gridX, int gridY, int gridZ, int blockX, int blockY, int blockZ) {
    /** Threads per block of the element-wise kernels: a multiple of the warp, small enough for full occupancy. */
    public static final int THREADS = 256;
    /** CUDA's limit on gridDim.y and gridDim.z. */
    static final int MAX_GRID_YZ = 65535;

    public LaunchShape {
        if (gridX < 1 || gridY < 1 || gridZ < 1 || blockX < 1 || blockY < 1 || blockZ < 1) {
            throw new IllegalArgumentException("launch: grid (" + gridX + ", " + gridY + ", " + gridZ + ") block ("
                    + blockX + ", " + blockY + ", " + blockZ + ") must be positive");
        }
        if (gridY > MAX_GRID_YZ || gridZ > MAX_GRID_YZ) {
            throw new IllegalArgumentException("launch: grid (" + gridX + ", " + gridY + ", " + gridZ
                    + ") exceeds CUDA's limit of " + MAX_GRID_YZ + " on y and z");
        }
        if ((long) blockX * blockY * blockZ > 1024) {
            throw new IllegalArgumentException("launch: block (" + blockX + ", " + blockY + ", " + blockZ
                    + ") has more than 1024 threads");
        }
    }

    /**
     * A grid-stride launch over {@code n > 0} elements: one thread per element up to {@code maxBlocks} blocks.
     */
    public static LaunchShape linear(long n, int maxBlocks) {
        if (n <= 0) {
            throw new IllegalArgumentException("launch: " + n + " elements, expected > 0 (empty ops launch nothing)");
        }
        long blocks = Math.min((n + THREADS - 1) / THREADS, maxBlocks);
        return new LaunchShape((int) blocks, 1, 1, THREADS, 1, 1);
    }

    /** One block of {@code threads} per row, rows beyond {@code maxBlocks} taken by a grid-stride loop. */
    public static LaunchShape perRow(int rows, int threads, int maxBlocks) {
        return new LaunchShape(Math.max(1, Math.min(rows, maxBlocks)), 1, 1, threads, 1, 1);
    }

    /** GEMM tiles: x over columns of C, y over rows, z over K splits. */
    public static LaunchShape tiles(int m, int n, int tileM, int tileN, int splits, int threads) {
        return new LaunchShape(ceilDiv(n, tileN), ceilDiv(m, tileM), splits, threads, 1, 1);
    }

    /**
     * How many slices to cut the K loop of a GEMM into, so that a thin product (few tiles, long K: a weight
     * gradient sums over every pixel of the batch) still fills the GPU: aim for two blocks per multiprocessor,
     * but keep at least {@code minK} of K per slice so that a slice is worth its partial-result traffic.
     */
    public static int splitK(int m, int n, int k, int tileM, int tileN, int multiprocessors, int minK) {
        long tiles = (long) ceilDiv(m, tileM) * ceilDiv(n, tileN);
        long wanted = 2L * multiprocessors / tiles;  // floor: never split a product that fills the GPU
        long byK = Math.max(1, k / minK);
        return (int) Math.max(1, Math.min(Math.min(wanted, byK), MAX_GRID_YZ));
    }

    static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    public long threads() {
        return (long) gridX * gridY * gridZ * blockX * blockY * blockZ;
    }

    @Override
    public String toString() {
        return "grid (" + gridX + ", " + gridY + ", " + gridZ + ") block (" + blockX + ", " + blockY + ", " + blockZ
                + ")";
    }
}
