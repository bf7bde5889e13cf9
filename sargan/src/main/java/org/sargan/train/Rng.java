package org.sargan.train;

import java.util.Random;

/**
 * A seeded generator whose whole state is one long (SplitMix64), so a checkpoint can store it and a resumed run
 * draws exactly the numbers the uninterrupted run would have drawn.
 */
public final class Rng {
    private long state;

    public Rng(long seed) {
        this.state = seed;
    }

    public long state() {
        return state;
    }

    public void setState(long s) {
        state = s;
    }

    public long nextLong() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, 1). */
    public float nextFloat() {
        return (nextLong() >>> 40) * 0x1.0p-24f;
    }

    /** Uniform in [0, n). */
    public int nextInt(int n) {
        return (int) ((nextLong() >>> 33) % n);
    }

    /** A java.util.Random seeded from this stream, for code that wants one (model initialisation). */
    public Random fork() {
        return new Random(nextLong());
    }
}
