package org.sargan.app;

import java.awt.image.BufferedImage;
import org.sargan.viz.Pictures;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.sargan.core.Autograd;
import org.sargan.core.GradMode;
import org.sargan.core.Tensor;
import org.sargan.core.ops.Attention;
import org.sargan.core.ops.Convolutions;
import org.sargan.core.ops.Convolutions.Padding;
import org.sargan.core.ops.Losses;
import org.sargan.core.ops.Normalization;

/**
 * {@code sargan demo}: the engine end to end on generated data, until the SARGAN model lands. A small network
 * built from SARGAN's parts (zero-padded conv, instance norm, ReLU, reflection-padded conv, a spatial-attention gate
 * and a global input residual) learns to remove noise from images of coloured shapes. Each step also evaluates a
 * WGAN-GP-style gradient penalty on the network's output, so double backward is exercised as in GAN training.
 * Writes {@code samples.png} (noisy | denoised | clean | attention map) and {@code loss.png}.
 */
final class EngineDemo {
    private static final int SIZE = 24;
    private static final int WIDTH = 16;
    private static final int BATCH = 8;
    private static final float NOISE = 0.35f;
    private static final float PENALTY_WEIGHT = 1e-3f;

    private EngineDemo() {
    }

    /** The network's weights, in one array so the optimiser can walk them. */
    private static final String[] NAMES = {"conv1.w", "in1.g", "in1.b", "conv2.w", "in2.g", "in2.b", "att.w", "att.b",
        "out.w", "out.b"};

    static void run(Options opts, PrintStream out) throws IOException {
        int steps = opts.integer("steps", 300, 1, 1_000_000);
        Path dir = Path.of(opts.string("out", "runs/engine-demo"));
        Random rng = new Random(1);
        Tensor[] p = init(rng);
        Adam adam = new Adam(p.length, 3e-3f);
        Batch eval = Batch.make(new Random(99), 4);
        List<Double> losses = new ArrayList<>();
        List<Double> penalties = new ArrayList<>();
        out.printf("demo: denoising %dx%d images, batch %d, %d steps (engine check until the SARGAN model lands)%n",
                SIZE, SIZE, BATCH, steps);
        long start = System.nanoTime();
        for (int step = 1; step <= steps; step++) {
            Batch b = Batch.make(rng, BATCH);
            for (Tensor t : p) {
                t.zeroGrad();
            }
            Tensor[] y = forward(p, b.noisy);
            Tensor loss = Losses.l1(y[0], b.clean);
            Tensor penalty = penalty(p, b.noisy);
            loss.add(penalty.mul(PENALTY_WEIGHT)).backward();
            p = adam.step(p);
            losses.add((double) loss.item());
            penalties.add((double) penalty.item());
            if (step == 1 || step % 25 == 0 || step == steps) {
                double secs = (System.nanoTime() - start) / 1e9;
                out.printf("step %5d/%d  L1 %.4f  penalty %.4f  %.1f it/s  ETA %.0fs%n", step, steps, loss.item(),
                        penalty.item(), step / secs, (steps - step) * secs / step);
            }
        }
        float noiseL1 = Losses.l1(eval.noisy, eval.clean).item();
        float outL1;
        try (GradMode.Scope s = GradMode.noGrad()) {
            Tensor[] y = forward(p, eval.noisy);
            outL1 = Losses.l1(y[0], eval.clean).item();
            Pictures.writePng(samples(eval, y), dir.resolve("samples.png"));
        }
        Pictures.writePng(Pictures.plot("demo losses", List.of("L1 to clean", "gradient penalty"),
                List.of(toArray(losses), toArray(penalties))), dir.resolve("loss.png"));
        out.printf("held-out L1 to the clean image: noisy input %.4f -> denoised %.4f%n", noiseL1, outL1);
        out.println("wrote " + dir.resolve("samples.png") + " (noisy | denoised | clean | attention map)");
        out.println("wrote " + dir.resolve("loss.png"));
    }

    private static Tensor[] init(Random rng) {
        Tensor[] p = {
            uniformFan(rng, 3 * 9, WIDTH, 3, 3, 3), Tensor.ones(WIDTH), Tensor.zeros(WIDTH),
            uniformFan(rng, WIDTH * 9, WIDTH, WIDTH, 3, 3), Tensor.ones(WIDTH), Tensor.zeros(WIDTH),
            uniformFan(rng, WIDTH * 9, 1, WIDTH, 3, 3), uniformFan(rng, WIDTH * 9, 1),
            uniformFan(rng, WIDTH * 9, 3, WIDTH, 3, 3), uniformFan(rng, WIDTH * 9, 3)};
        for (Tensor t : p) {
            t.requiresGrad(true);
        }
        return p;
    }

    /** PyTorch's default: U(-1/sqrt(fan_in), 1/sqrt(fan_in)). */
    private static Tensor uniformFan(Random rng, int fanIn, int... shape) {
        float b = (float) (1 / Math.sqrt(fanIn));
        return Tensor.uniform(rng, -b, b, shape);
    }

    /** @return {output, attention map, residual (output minus input)} */
    private static Tensor[] forward(Tensor[] p, Tensor x) {
        Tensor f = Normalization.instanceNorm(Convolutions.conv2d(x, p[0], null, 1, 1), p[1], p[2], 1e-5f).relu();
        Tensor h = Normalization.instanceNorm(Convolutions.conv2d(f, p[3], null, 1, 1, Padding.REFLECT), p[4], p[5],
                1e-5f);
        Tensor z = Convolutions.conv2d(h, p[6], p[7], 1, 1, Padding.REFLECT);
        Tensor g = Attention.gate(f, h, z);
        Tensor r = Convolutions.conv2d(g, p[8], p[9], 1, 1).tanh();
        return new Tensor[] {r.add(x), z.sigmoid(), r};
    }

    /**
     * The WGAN-GP penalty's form on the residual branch r: mean over samples of (|| d sum(r) / dx || - 1)^2. Its
     * gradient with respect to the weights needs the gradient of a gradient (double backward).
     */
    private static Tensor penalty(Tensor[] p, Tensor noisy) {
        Tensor x = noisy.detach().requiresGrad(true);
        Tensor r = forward(p, x)[2];
        Tensor g = Autograd.grad(new Tensor[] {r.sum()}, new Tensor[] {x}, null, true)[0];
        return g.pow(2f).sum(new int[] {1, 2, 3}, false).sqrt().add(-1f).pow(2f).mean();
    }

    private static BufferedImage samples(Batch b, Tensor[] y) {
        int n = b.noisy.dim(0);
        float[] noisy = b.noisy.toArray();
        float[] den = y[0].toArray();
        float[] clean = b.clean.toArray();
        float[] att = y[1].mul(2f).add(-1f).toArray();
        BufferedImage[][] tiles = new BufferedImage[n][4];
        int img = 3 * SIZE * SIZE;
        for (int i = 0; i < n; i++) {
            tiles[i][0] = Pictures.tile(noisy, i * img, 3, SIZE, SIZE);
            tiles[i][1] = Pictures.tile(den, i * img, 3, SIZE, SIZE);
            tiles[i][2] = Pictures.tile(clean, i * img, 3, SIZE, SIZE);
            tiles[i][3] = Pictures.tile(att, i * SIZE * SIZE, 1, SIZE, SIZE);
        }
        return Pictures.grid(tiles, new String[] {"noisy", "denoised", "clean", "attention"}, 4);
    }

    private static double[] toArray(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** Random coloured rectangles and discs on a flat background, in [-1, 1], with Gaussian noise added. */
    private record Batch(Tensor noisy, Tensor clean) {
        static Batch make(Random rng, int n) {
            float[] clean = new float[n * 3 * SIZE * SIZE];
            float[] noisy = new float[clean.length];
            for (int i = 0; i < n; i++) {
                int base = i * 3 * SIZE * SIZE;
                float[] bg = {rng.nextFloat() - 0.5f, rng.nextFloat() - 0.5f, rng.nextFloat() - 0.5f};
                for (int c = 0; c < 3; c++) {
                    java.util.Arrays.fill(clean, base + c * SIZE * SIZE, base + (c + 1) * SIZE * SIZE, bg[c]);
                }
                for (int s = 0; s < 3; s++) {
                    float[] col = {rng.nextFloat() * 2 - 1, rng.nextFloat() * 2 - 1, rng.nextFloat() * 2 - 1};
                    int cx = rng.nextInt(SIZE);
                    int cy = rng.nextInt(SIZE);
                    int r = 3 + rng.nextInt(6);
                    boolean disc = rng.nextBoolean();
                    for (int y = 0; y < SIZE; y++) {
                        for (int x = 0; x < SIZE; x++) {
                            int dx = x - cx;
                            int dy = y - cy;
                            boolean in = disc ? dx * dx + dy * dy <= r * r : Math.abs(dx) <= r && Math.abs(dy) <= r;
                            if (in) {
                                for (int c = 0; c < 3; c++) {
                                    clean[base + c * SIZE * SIZE + y * SIZE + x] = col[c];
                                }
                            }
                        }
                    }
                }
            }
            for (int i = 0; i < clean.length; i++) {
                noisy[i] = clean[i] + NOISE * (float) rng.nextGaussian();
            }
            int[] shape = {n, 3, SIZE, SIZE};
            return new Batch(Tensor.of(noisy, shape), Tensor.of(clean, shape));
        }
    }

    /** Adam (Kingma and Ba) with PyTorch's bias correction, on immutable tensors: each step returns new leaves. */
    private static final class Adam {
        private final Tensor[] m;
        private final Tensor[] v;
        private final float lr;
        private int t;

        Adam(int n, float lr) {
            this.m = new Tensor[n];
            this.v = new Tensor[n];
            this.lr = lr;
        }

        Tensor[] step(Tensor[] params) {
            t++;
            float b1 = 0.9f;
            float b2 = 0.999f;
            float c1 = 1 - (float) Math.pow(b1, t);
            float c2 = 1 - (float) Math.pow(b2, t);
            Tensor[] next = new Tensor[params.length];
            try (GradMode.Scope s = GradMode.noGrad()) {
                for (int i = 0; i < params.length; i++) {
                    Tensor g = params[i].grad();
                    if (g == null) {
                        throw new IllegalStateException("demo: parameter " + NAMES[i] + " received no gradient");
                    }
                    m[i] = m[i] == null ? g.mul(1 - b1) : m[i].mul(b1).add(g.mul(1 - b1));
                    v[i] = v[i] == null ? g.mul(g).mul(1 - b2) : v[i].mul(b2).add(g.mul(g).mul(1 - b2));
                    Tensor update = m[i].mul(lr / c1).div(v[i].mul(1 / c2).sqrt().add(1e-8f));
                    next[i] = params[i].sub(update).requiresGrad(true);
                }
            }
            return next;
        }
    }
}
