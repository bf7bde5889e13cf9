package org.sargan.core.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The pool's contract: every index once, failures reach the caller, nested and concurrent calls work. */
class ParallelTest {
    @Test
    void everyIndexRunsExactlyOnce() {
        int before = Parallel.setThreads(3);
        try {
            for (int n : new int[] {2, 3, 17, 1000}) {
                AtomicIntegerArray hits = new AtomicIntegerArray(n);
                for (int round = 0; round < 50; round++) {
                    Parallel.forEach(n, hits::incrementAndGet);
                }
                for (int i = 0; i < n; i++) {
                    assertEquals(50, hits.get(i), "index " + i + " of " + n);
                }
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void aTaskFailureReachesTheCaller() {
        int before = Parallel.setThreads(2);
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Parallel.forEach(64, i -> {
                if (i == 40) {
                    throw new IllegalStateException("task 40");
                }
            }));
            assertEquals("task 40", e.getMessage());
            // and the pool still works afterwards
            AtomicLong sum = new AtomicLong();
            Parallel.forEach(100, i -> sum.addAndGet(i));
            assertEquals(4950, sum.get());
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void nestedAndConcurrentCallsComplete() throws InterruptedException {
        int before = Parallel.setThreads(2);
        try {
            List<Thread> callers = new ArrayList<>();
            AtomicLong total = new AtomicLong();
            for (int c = 0; c < 4; c++) {
                Thread t = new Thread(() -> {
                    for (int round = 0; round < 100; round++) {
                        Parallel.forEach(8, i -> Parallel.forEach(8, j -> total.addAndGet(i * 8 + j)));
                    }
                });
                callers.add(t);
                t.start();
            }
            for (Thread t : callers) {
                t.join(60_000);
            }
            // 4 callers x 100 rounds x (0 + 1 + ... + 63)
            assertEquals(4L * 100 * 2016, total.get());
        } finally {
            Parallel.setThreads(before);
        }
    }
}
