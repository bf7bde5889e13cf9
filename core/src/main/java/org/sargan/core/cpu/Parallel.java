package org.sargan.core.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
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
    /**
     * How long an idle helper keeps polling for the next job before it parks ({@code -Dsargan.spinMicros}, default
     * 20,000). A step is hundreds of parallel loops, many of them tens of microseconds long, with serial stretches
     * between them; waking a parked thread took 30-40 us on a 2-core virtual machine (a loop of four 5 us tasks:
     * 38-48 us through an executor against 10 ideal), so helpers spin through the gaps and sleep only when the work
     * stops. With 200 us the helper parked in the step's longer serial stretches, and the whole step was slower and
     * less steady: a 64 px D+G step (AMD Zen 5, 2 threads, six alternated pairs of fresh processes) took
     * 494-894 ms, median 614, against 504-722, median 538, with 20 ms (the G forward alone: 46-62 ms, median
     * 50, against 48-65, median 53: within the noise).
     */
    private static final long SPIN_NANOS = 1000L * Long.getLong("sargan.spinMicros", 20_000L);
    /** With more threads than cores a polling helper would take a core from a working one: then helpers park at once. */
    private static final int CORES = Runtime.getRuntime().availableProcessors();

    /** One parallel loop offered to the helpers: up to {@code slots} of them join it. */
    private static final class Job {
        final Runnable body;
        final AtomicInteger slots;
        /** Helpers between trying to join and leaving (whether they ran the body or not). */
        final AtomicInteger inside = new AtomicInteger();
        volatile Throwable failure;

        Job(Runnable body, int helpers) {
            this.body = body;
            this.slots = new AtomicInteger(helpers);
        }
    }

    private static volatile Job current;
    private static final Object START = new Object();
    private static final java.util.List<Helper> HELPERS = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** A daemon thread that runs offered jobs; it polls, then parks when idle. */
    private static final class Helper extends Thread {
        volatile boolean parked;

        Helper() {
            super("sargan-cpu");
            setDaemon(true);
        }

        @Override
        public void run() {
            Job seen = null;
            long idleSince = System.nanoTime();
            while (true) {
                Job j = current;
                if (j != null && j != seen) {
                    seen = j;
                    join(j);
                    idleSince = System.nanoTime();
                    continue;
                }
                if (threads <= CORES && System.nanoTime() - idleSince < SPIN_NANOS) {
                    Thread.onSpinWait();
                    continue;
                }
                parked = true;
                if (current == j) {
                    LockSupport.park(this);
                }
                parked = false;
                idleSince = System.nanoTime();
            }
        }

        private static void join(Job j) {
            j.inside.incrementAndGet();
            try {
                if (j.slots.getAndDecrement() > 0) {
                    IN_TASK.set(Boolean.TRUE);
                    try {
                        j.body.run();
                    } catch (Throwable e) {
                        j.failure = e;
                    } finally {
                        IN_TASK.set(Boolean.FALSE);
                    }
                }
            } finally {
                j.inside.decrementAndGet();
            }
        }
    }

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
            for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                body.accept(i);
            }
        };
        int helpers = Math.min(t, n) - 1;
        Job job = offer(worker, helpers);
        Throwable failure = null;
        IN_TASK.set(Boolean.TRUE);
        try {
            worker.run();
        } catch (RuntimeException | Error e) {
            failure = e;
            next.set(n); // the helpers stop taking indices
        } finally {
            IN_TASK.set(Boolean.FALSE);
        }
        // no helper may join from now on; wait for those that did
        job.slots.set(Integer.MIN_VALUE / 2);
        for (int spins = 0; job.inside.get() > 0; spins++) {
            if (spins < 1 << 16) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
        if (current == job) {
            current = null;
        }
        failure = failure == null ? job.failure : failure;
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

    /** Publishes a job for up to {@code helpers} helper threads, starting helpers as needed and waking parked ones. */
    private static Job offer(Runnable body, int helpers) {
        if (HELPERS.size() < helpers) {
            synchronized (START) {
                while (HELPERS.size() < helpers) {
                    Helper h = new Helper();
                    HELPERS.add(h);
                    h.start();
                }
            }
        }
        Job job = new Job(body, helpers);
        current = job;
        for (Helper h : HELPERS) {
            if (h.parked) {
                LockSupport.unpark(h);
            }
        }
        return job;
    }

    /** Splits [0, n) into chunks of {@code grain} elements (the last one shorter) and runs them in parallel. */
    public static void forRange(int n, int grain, RangeBody body) {
        int g = Math.max(1, grain);
        int chunks = (n + g - 1) / g;
        forEach(chunks, c -> body.run(c * g, Math.min(n, (c + 1) * g)));
    }
}
