package org.sargan.core.cpu;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * The CPU backend's thread pool: {@code sargan.threads} threads (default: all cores), the calling thread being one
 * of them. Work is split into tasks whose boundaries depend only on the problem size, never on the thread count,
 * so results are bit-for-bit the same with 1 or 64 threads. A parallel call made from inside a task runs inline.
 */
public final class Parallel {
    private static volatile int threads = Math.max(1, Integer.getInteger("sargan.threads",
            Runtime.getRuntime().availableProcessors()));
    private static final ThreadLocal<Boolean> IN_TASK = ThreadLocal.withInitial(() -> Boolean.FALSE);
    /** Helper threads, made as needed and reused (a cached pool), so that the thread count can change. */
    private static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "sargan-cpu");
        t.setDaemon(true);
        return t;
    });

    private Parallel() {
    }

    public static int threads() {
        return threads;
    }

    /**
     * Sets the thread count and returns the previous one: for tests that compare two counts in one JVM (the
     * results must not change). Not for use while another thread runs ops.
     */
    static int setThreads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("parallel: " + n + " threads, expected >= 1");
        }
        int before = threads;
        threads = n;
        return before;
    }

    /** A half-open index range of work. */
    @FunctionalInterface
    public interface RangeBody {
        void run(int lo, int hi);
    }

    /** Runs {@code body(i)} for every i in [0, n), spread over the pool. */
    public static void forEach(int n, IntConsumer body) {
        if (n <= 0) {
            return;
        }
        int t = threads;
        if (n == 1 || t == 1 || IN_TASK.get()) {
            for (int i = 0; i < n; i++) {
                body.accept(i);
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        Runnable worker = () -> {
            boolean outer = IN_TASK.get();
            IN_TASK.set(Boolean.TRUE);
            try {
                for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                    body.accept(i);
                }
            } finally {
                IN_TASK.set(outer);
            }
        };
        int helpers = Math.min(t, n) - 1;
        Future<?>[] futures = new Future<?>[helpers];
        for (int h = 0; h < helpers; h++) {
            futures[h] = POOL.submit(worker);
        }
        Throwable failure = null;
        try {
            worker.run();
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                failure = failure == null ? e.getCause() : failure;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = failure == null ? e : failure;
            }
        }
        if (failure instanceof RuntimeException re) {
            throw re;
        }
        if (failure instanceof Error err) {
            throw err;
        }
        if (failure != null) {
            throw new IllegalStateException("parallel task failed", failure);
        }
    }

    /** Splits [0, n) into chunks of {@code grain} elements (the last one shorter) and runs them in parallel. */
    public static void forRange(int n, int grain, RangeBody body) {
        int g = Math.max(1, grain);
        int chunks = (n + g - 1) / g;
        forEach(chunks, c -> body.run(c * g, Math.min(n, (c + 1) * g)));
    }
}
