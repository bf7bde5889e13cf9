package org.sargan.core;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Frees the memory of the tensors made inside it when it closes, instead of leaving that to the garbage collector
 * (which barely notices device memory). A training step can open one, keep what must outlive the step (new
 * parameters, optimiser moments, logged values), and let the rest go at once:
 *
 * <pre>{@code
 * try (MemoryScope step = MemoryScope.open()) {
 *     Tensor loss = model.forward(x).sub(y).abs().mean();
 *     loss.backward();
 *     step.keep(w.grad());   // outlives the step; every other tensor of it is freed at the closing brace
 * }
 * }</pre>
 *
 * <p>Scopes nest, per thread: a tensor kept by an inner scope belongs to the outer one. A freed tensor must not be
 * read again; the CUDA backend refuses with a message that names this scope. On the CPU, freeing leaves the array to
 * the collector, so results never depend on a scope.
 */
public final class MemoryScope implements AutoCloseable {
    private static final ThreadLocal<ArrayDeque<MemoryScope>> OPEN = ThreadLocal.withInitial(ArrayDeque::new);

    private final Set<Storage> made = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Set<Storage> kept = Collections.newSetFromMap(new IdentityHashMap<>());
    private boolean closed;

    private MemoryScope() {
    }

    /** Opens a scope on the calling thread; every tensor made on this thread until it closes belongs to it. */
    public static MemoryScope open() {
        MemoryScope s = new MemoryScope();
        OPEN.get().push(s);
        return s;
    }

    /**
     * For backends whose memory is worth freeing early: a storage just made joins the innermost open scope of the
     * calling thread, if any. (A view made in the scope, such as a reshape of an older tensor, makes no storage,
     * so it frees nothing that the scope did not make.)
     */
    public static void track(Storage storage) {
        ArrayDeque<MemoryScope> open = OPEN.get();
        if (!open.isEmpty()) {
            open.peek().made.add(storage);
        }
    }

    /**
     * Frees t's memory now, if a scope is open on the calling thread (outside any scope it does nothing, as for
     * everything else): for an owner that replaces t and knows that nothing reads it again, such as an optimiser with
     * the old weights and moments once it has written new ones. Waiting for the scope to close instead would hold
     * every parameter's old and new copies at once at the end of the update: for the 128 px discriminator, 45
     * million weights times three (weights, two moments) times two.
     */
    public static void free(Tensor t) {
        if (t != null && !OPEN.get().isEmpty()) {
            t.storage().release();
        }
    }

    /**
     * In a forward pass without gradients (where no autograd node holds on to anything), frees {@code used} now if
     * the innermost open scope made it and {@code result} does not share its memory (a view would): for a layer's
     * intermediate results once the next one is computed, so that a scoped inference or no-grad forward holds two
     * or three activations at a time instead of all of them. With gradients on, or outside any scope, or when
     * {@code used} is {@code keep} (a caller's input), it does nothing. Nothing may read {@code used} afterwards.
     */
    public static void freeIntermediate(Tensor used, Tensor result, Tensor keep) {
        if (GradMode.isEnabled() || used == null || used == keep || used.storage() == result.storage()
                || (keep != null && used.storage() == keep.storage())) {
            return;
        }
        ArrayDeque<MemoryScope> open = OPEN.get();
        if (!open.isEmpty()) {
            open.peek().releaseIfMade(used.storage());
        }
    }

    /** Keeps t (and every tensor sharing its storage) beyond this scope; returns t. */
    public Tensor keep(Tensor t) {
        if (t != null) {
            kept.add(t.storage());
        }
        return t;
    }

    /**
     * Frees s now if this scope made it (and has not freed it): for an owner that knows nothing reads s again
     * before the scope closes, such as the autograd engine with a gradient it has passed on. Returns whether it did.
     */
    public boolean releaseIfMade(Storage s) {
        if (closed || kept.contains(s) || !made.remove(s)) {
            return false;
        }
        s.release();
        return true;
    }

    /**
     * Frees s now if an open scope of the calling thread made it and none keeps it (for the autograd engine freeing an
     * intermediate result that nothing in the graph reads again); returns whether it did.
     */
    static boolean releaseIfAnOpenScopeMade(Storage s) {
        MemoryScope maker = null;
        for (MemoryScope scope : OPEN.get()) {
            if (scope.kept.contains(s)) {
                return false;
            }
            if (maker == null && scope.made.contains(s)) {
                maker = scope;
            }
        }
        return maker != null && maker.releaseIfMade(s);
    }

    /** Whether this scope made s and neither freed nor kept it (so that only its maker's bookkeeping knows of it). */
    boolean owns(Storage s) {
        return !closed && made.contains(s) && !kept.contains(s);
    }

    /** Frees every storage made in this scope and not kept; a kept one passes to the enclosing scope. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        ArrayDeque<MemoryScope> open = OPEN.get();
        if (open.peek() != this) {
            throw new IllegalStateException("memory scope: closed out of order (an inner scope is still open)");
        }
        closed = true;
        open.pop();
        MemoryScope outer = open.peek();
        for (Storage s : made) {
            if (!kept.contains(s)) {
                s.release();
            } else if (outer != null) {
                outer.made.add(s);
            }
        }
        made.clear();
        kept.clear();
    }
}
