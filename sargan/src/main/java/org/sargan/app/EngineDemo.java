package org.sargan.app;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.sargan.core.Autograd;
import org.sargan.core.GradMode;
import org.sargan.core.Tensor;
import org.sargan.core.ops.Attention;
import org.sargan.core.ops.Convolutions.Padding;
import org.sargan.core.ops.Losses;
import org.sargan.nn.Adam;
import org.sargan.nn.Conv2d;
import org.sargan.nn.InstanceNorm2d;
import org.sargan.nn.Module;
import org.sargan.viz.Pictures;

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

    /** The small network: SARGAN's parts at toy size. */
    private static final class Net extends Module {
        private final Conv2d conv1;
        private final InstanceNorm2d in1;
        private final Conv2d conv2;
        private final InstanceNorm2d in2;
        private final Conv2d att;
        private final Conv2d out;

        Net(Random rng) {
            conv1 = child("conv1", new Conv2d(rng, 3, WIDTH, 3, 1, 1, false, Padding.ZERO));
            in1 = child("in1", new InstanceNorm2d(WIDTH));
            conv2 = child("conv2", new Conv2d(rng, WIDTH, WIDTH, 3, 1, 1, false, Padding.REFLECT));
            in2 = child("in2", new InstanceNorm2d(WIDTH));
            att = child("att", new Conv2d(rng, WIDTH, 1, 3, 1, 1, true, Padding.REFLECT));
            out = child("out", new Conv2d(rng, WIDTH, 3, 3, 1, 1, true, Padding.ZERO));
        }

        /** @return {output, attention map, residual (output minus input)} */
        Tensor[] forward(Tensor x) {
            Tensor f = in1.forward(conv1.forward(x)).relu();
            Tensor h = in2.forward(conv2.forward(f));
            Tensor z = att.forward(h);
            Tensor r = out.forward(Attention.gate(f, h, z)).tanh();
            return new Tensor[] {r.add(x), z.sigmoid(), r};
        }
    }

    static void run(Options opts, PrintStream out) throws IOException {
        int steps = opts.integer("steps", 1, 1_000_000);
        Path dir = Path.of(opts.string("out"));
        Random rng = new Random(1);
        Net net = new Net(rng);
        Adam adam = new Adam(net, 3e-3f, 0.9f, 0.999f);
        Batch eval = Batch.make(new Random(99), 4);
        List<Double> losses = new ArrayList<>();
        List<Double> penalties = new ArrayList<>();
        out.printf("engine demo: denoising %dx%d images, batch %d, %d steps%n", SIZE, SIZE, BATCH, steps);
        long start = System.nanoTime();
        for (int step = 1; step <= steps; step++) {
            Batch b = Batch.make(rng, BATCH);
            net.zeroGrad();
            Tensor loss = Losses.l1(net.forward(b.noisy)[0], b.clean);
            Tensor penalty = penalty(net, b.noisy);
            loss.add(penalty.mul(PENALTY_WEIGHT)).backward();
            adam.step();
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
            Tensor[] y = net.forward(eval.noisy);
            outL1 = Losses.l1(y[0], eval.clean).item();
            Pictures.writePng(samples(eval, y), dir.resolve("samples.png"));
        }
        Pictures.writePng(Pictures.plot("engine demo losses", List.of("L1 to clean", "gradient penalty"),
                List.of(toArray(losses), toArray(penalties))), dir.resolve("loss.png"));
        out.printf("held-out L1 to the clean image: noisy input %.4f -> denoised %.4f%n", noiseL1, outL1);
        out.println("wrote " + dir.resolve("samples.png") + " (noisy | denoised | clean | attention map)");
        out.println("wrote " + dir.resolve("loss.png"));
    }

    /**
     * The WGAN-GP penalty's form on the residual branch r: mean over samples of (|| d sum(r) / dx || - 1)^2. Its
     * gradient with respect to the weights needs the gradient of a gradient (double backward).
     */
    private static Tensor penalty(Net net, Tensor noisy) {
        Tensor x = noisy.detach().requiresGrad(true);
        Tensor r = net.forward(x)[2];
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
                    Arrays.fill(clean, base + c * SIZE * SIZE, base + (c + 1) * SIZE * SIZE, bg[c]);
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
}
