package org.sargan.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.sargan.core.cpu.CpuBackend;

/** What a scope frees and what it keeps, on storages that count their releases. */
class MemoryScopeTest {
    /** A storage that only counts how often it was released. */
    private static final class Counted implements Storage {
        int releases;

        @Override
        public Backend backend() {
            return CpuBackend.INSTANCE;
        }

        @Override
        public int size() {
            return 1;
        }

        @Override
        public void release() {
            releases++;
        }
    }

    private static Counted made() {
        Counted s = new Counted();
        MemoryScope.track(s);
        return s;
    }

    @Test
    void freesWhatItMadeAndNotWhatItKept() {
        Counted before = made();  // no scope open: nobody frees it
        Counted temp;
        Counted result;
        try (MemoryScope step = MemoryScope.open()) {
            temp = made();
            result = made();
            step.keep(new Tensor(result, new int[] {1}));
        }
        assertEquals(0, before.releases);
        assertEquals(1, temp.releases);
        assertEquals(0, result.releases);
    }

    @Test
    void aKeptStoragePassesToTheEnclosingScope() {
        Counted inner;
        try (MemoryScope outer = MemoryScope.open()) {
            try (MemoryScope step = MemoryScope.open()) {
                inner = made();
                step.keep(new Tensor(inner, new int[] {1}));
            }
            assertEquals(0, inner.releases, "kept past the inner scope");
        }
        assertEquals(1, inner.releases, "freed with the outer scope, which did not keep it");
    }

    @Test
    void closingOutOfOrderIsRefusedAndClosingTwiceIsHarmless() {
        MemoryScope outer = MemoryScope.open();
        MemoryScope inner = MemoryScope.open();
        IllegalStateException e = assertThrows(IllegalStateException.class, outer::close);
        assertTrue(e.getMessage().contains("out of order"), e.getMessage());
        Counted s = made();
        inner.close();
        inner.close();
        outer.close();
        assertEquals(1, s.releases);
    }
}
