package org.sargan.nn.torch;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.sargan.nn.DType;
import org.sargan.nn.WeightFileException;

/**
 * A restricted reader of Python pickles, enough for what {@code torch.save(model.state_dict())} writes and nothing
 * more. It is an interpreter of the pickle stack machine that never executes anything from the file:
 * <ul>
 *   <li>only the opcodes a state dict uses are accepted (protocols 2 to 4); any other is refused by name;</li>
 *   <li>a GLOBAL may name only {@code collections.OrderedDict}, {@code torch._utils._rebuild_tensor_v2},
 *       {@code torch._utils._rebuild_parameter} and the storage classes of float32, float16, bfloat16 and int64;
 *       anything else ({@code posix.system}, {@code builtins.eval}, ...) is refused when it is named, before any
 *       REDUCE could call it;</li>
 *   <li>REDUCE only builds the three allowed callables' results as plain Java values: an ordered map, a
 *       {@link TensorRef} or its argument;</li>
 *   <li>every length is checked against the bytes that remain before anything is allocated; the stack and the memo
 *       hold at most {@link #MAX_ENTRIES} values each;</li>
 *   <li>dict keys must be strings, integers, booleans or None (as Python's hashable values a state dict uses), so
 *       no value from the file is ever hashed or printed recursively: a list that contains itself, or tuples that
 *       share their parts a billion times over, cannot overflow the stack or hang the reader.</li>
 * </ul>
 * Python values become: int -> Long (or BigInteger past 64 bits), str -> String, tuple -> unmodifiable List,
 * list -> ArrayList, dict and OrderedDict -> LinkedHashMap, None -> null, bool -> Boolean, float -> Double.
 */
final class Unpickler {
    /** A storage named by a persistent id: its element type, its key (zip entry or legacy record) and length. */
    record StorageRef(DType dtype, String key, long numel) {
    }

    /** A tensor view of a storage, as {@code _rebuild_tensor_v2(storage, offset, size, stride, ...)} describes it. */
    record TensorRef(StorageRef storage, long offset, long[] shape, long[] stride) {
    }

    /** Maps a persistent id (the tuple after BINPERSID) to a storage. */
    interface Persistent {
        StorageRef load(List<?> pid) throws WeightFileException;
    }

    /** A global the file named, allowed by {@link #ALLOWED}. */
    private record Global(String module, String name) {
        String qualified() {
            return module + "." + name;
        }
    }

    private static final Object MARK = new Object();
    private static final String REBUILD_TENSOR = "torch._utils._rebuild_tensor_v2";
    private static final String REBUILD_PARAMETER = "torch._utils._rebuild_parameter";
    private static final String ORDERED_DICT = "collections.OrderedDict";
    private static final Set<String> ALLOWED = Set.of(ORDERED_DICT, REBUILD_TENSOR, REBUILD_PARAMETER,
            "torch.FloatStorage", "torch.HalfStorage", "torch.BFloat16Storage", "torch.LongStorage");
    /** The longest module or attribute name a GLOBAL may spell. */
    private static final int MAX_NAME = 256;
    /** Longest LONG1 integer in bytes (the legacy format's magic number takes 10). */
    private static final int MAX_LONG_BYTES = 16;
    /** Largest stack and memo: a state dict uses a few entries per tensor. */
    static final int MAX_ENTRIES = 1 << 20;

    private final ByteBuffer in;
    private final String file;
    private final Persistent persistent;
    private final List<Object> stack = new ArrayList<>();
    private final List<Integer> marks = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();

    private Unpickler(ByteBuffer in, String file, Persistent persistent) {
        this.in = in.slice().order(ByteOrder.LITTLE_ENDIAN);
        this.file = file;
        this.persistent = persistent;
    }

    /**
     * Reads one pickle that starts at {@code in}'s position; on return the position is just past its STOP.
     *
     * @param file names the file in errors
     */
    static Object load(ByteBuffer in, String file, Persistent persistent) throws WeightFileException {
        Unpickler u = new Unpickler(in, file, persistent);
        Object result = u.run();
        in.position(in.position() + u.in.position());
        return result;
    }

    private WeightFileException bad(String what) {
        return new WeightFileException(file + ": " + what + " (pickle byte " + in.position() + ")");
    }

    private Object run() throws WeightFileException {
        while (true) {
            if (!in.hasRemaining()) {
                throw bad("the pickle ends without STOP (truncated)");
            }
            int op = in.get() & 0xff;
            switch (op) {
                case 0x80 -> { // PROTO
                    int proto = u8();
                    if (proto < 2 || proto > 5) {
                        throw bad("pickle protocol " + proto + "; expected 2 to 5");
                    }
                }
                case 0x95 -> skip(8); // FRAME: a length hint, the data follows inline
                case '.' -> { // STOP
                    Object result = pop();
                    if (!stack.isEmpty() || !marks.isEmpty()) {
                        throw bad("the pickle stops with " + stack.size() + " values left on its stack");
                    }
                    return result;
                }
                case '(' -> marks.add(stack.size()); // MARK
                case '}' -> push(new LinkedHashMap<>()); // EMPTY_DICT
                case ']' -> push(new ArrayList<>()); // EMPTY_LIST
                case ')' -> push(List.of()); // EMPTY_TUPLE
                case 't' -> push(tupleOf(popMark())); // TUPLE
                case 0x85 -> push(tupleOf(popN(1))); // TUPLE1
                case 0x86 -> push(tupleOf(popN(2))); // TUPLE2
                case 0x87 -> push(tupleOf(popN(3))); // TUPLE3
                case 'a' -> { // APPEND
                    Object v = pop();
                    list(peek()).add(v);
                }
                case 'e' -> { // APPENDS
                    List<Object> items = popMark();
                    list(peek()).addAll(items);
                }
                case 's' -> { // SETITEM
                    Object v = pop();
                    Object k = key(pop());
                    dict(peek()).put(k, v);
                }
                case 'u' -> { // SETITEMS
                    List<Object> kv = popMark();
                    if (kv.size() % 2 != 0) {
                        throw bad("SETITEMS with an odd number of values");
                    }
                    Map<Object, Object> d = dict(peek());
                    for (int i = 0; i < kv.size(); i += 2) {
                        d.put(key(kv.get(i)), kv.get(i + 1));
                    }
                }
                case 'J' -> push((long) in(4).getInt()); // BININT
                case 'K' -> push((long) u8()); // BININT1
                case 'M' -> push((long) (in(2).getShort() & 0xffff)); // BININT2
                case 0x8a -> push(long1()); // LONG1
                case 'N' -> push(null); // NONE
                case 0x88 -> push(Boolean.TRUE); // NEWTRUE
                case 0x89 -> push(Boolean.FALSE); // NEWFALSE
                case 'G' -> push(in(8).order(ByteOrder.BIG_ENDIAN).getDouble()); // BINFLOAT is big-endian
                case 'X' -> push(utf8(u32())); // BINUNICODE
                case 0x8c -> push(utf8(u8())); // SHORT_BINUNICODE
                case 'q' -> memoize((long) u8()); // BINPUT
                case 'r' -> memoize(u32()); // LONG_BINPUT
                case 0x94 -> memoize((long) memo.size()); // MEMOIZE
                case 'h' -> push(recall(u8())); // BINGET
                case 'j' -> push(recall(u32())); // LONG_BINGET
                case 'c' -> push(global(line(), line())); // GLOBAL
                case 0x93 -> { // STACK_GLOBAL
                    Object name = pop();
                    Object module = pop();
                    if (!(module instanceof String m) || !(name instanceof String n)) {
                        throw bad("STACK_GLOBAL needs two strings");
                    }
                    push(global(m, n));
                }
                case 'R' -> { // REDUCE
                    Object args = pop();
                    Object callable = pop();
                    push(reduce(callable, args));
                }
                case 'b' -> { // BUILD: state for an OrderedDict (its _metadata attribute), not needed
                    pop();
                    dict(peek());
                }
                case 'Q' -> { // BINPERSID
                    Object pid = pop();
                    if (!(pid instanceof List<?> l)) {
                        throw bad("a persistent id that is not a tuple");
                    }
                    // the storage class appears as a global: hand its qualified name on
                    List<Object> named = new ArrayList<>();
                    for (Object o : l) {
                        named.add(o instanceof Global g ? g.qualified() : o);
                    }
                    push(persistent.load(named));
                }
                default -> throw bad(String.format("pickle opcode 0x%02x%s is not allowed in a state dict", op,
                        op >= 0x20 && op < 0x7f ? " ('" + (char) op + "')" : ""));
            }
        }
    }

    private Object global(String module, String name) throws WeightFileException {
        Global g = new Global(module, name);
        if (!ALLOWED.contains(g.qualified()) && module.equals("torch") && name.endsWith("Storage")) {
            throw bad("unexpected dtype: storage class " + g.qualified() + "; only float32, float16, bfloat16 and"
                    + " int64 storages are read (convert with .float() before saving)");
        }
        if (!ALLOWED.contains(g.qualified())) {
            throw bad("refuses the global " + g.qualified() + ": a state dict needs only " + ORDERED_DICT
                    + ", _rebuild_tensor_v2, _rebuild_parameter and tensor storages, and nothing from the file is"
                    + " executed");
        }
        return g;
    }

    private Object reduce(Object callable, Object args) throws WeightFileException {
        if (!(callable instanceof Global g) || !(args instanceof List<?> a)) {
            throw bad("REDUCE of " + describe(callable) + "; only allowed globals can be called, with a tuple");
        }
        switch (g.qualified()) {
            case ORDERED_DICT -> {
                if (!a.isEmpty()) {
                    throw bad("OrderedDict called with arguments");
                }
                return new LinkedHashMap<>();
            }
            case REBUILD_PARAMETER -> {
                if (a.size() != 3 || !(a.get(0) instanceof TensorRef t)) {
                    throw bad("_rebuild_parameter needs (tensor, requires_grad, hooks)");
                }
                return t;
            }
            case REBUILD_TENSOR -> {
                // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
                if ((a.size() != 6 && a.size() != 7) || !(a.get(0) instanceof StorageRef s)
                        || !(a.get(1) instanceof Long offset) || !(a.get(2) instanceof List<?> size)
                        || !(a.get(3) instanceof List<?> stride) || size.size() != stride.size()) {
                    throw bad("_rebuild_tensor_v2 needs (storage, offset, size, stride, requires_grad, hooks)");
                }
                return new TensorRef(s, offset, longs(size), longs(stride));
            }
            default -> throw bad(g.qualified() + " cannot be called");
        }
    }

    private long[] longs(List<?> l) throws WeightFileException {
        long[] r = new long[l.size()];
        for (int i = 0; i < r.length; i++) {
            if (l.get(i) instanceof BigInteger) {
                throw bad("a tensor size or stride of more than 64 bits");
            }
            if (!(l.get(i) instanceof Long v)) {
                throw bad("a tensor size or stride that is not an integer: " + describe(l.get(i)));
            }
            r[i] = v;
        }
        return r;
    }

    static String describe(Object o) {
        if (o instanceof Global g) {
            return g.qualified();
        }
        return o == null ? "None" : o.getClass().getSimpleName();
    }

    private static List<Object> tupleOf(List<Object> items) {
        return Collections.unmodifiableList(items);
    }

    @SuppressWarnings("unchecked")
    private List<Object> list(Object o) throws WeightFileException {
        if (o instanceof ArrayList<?> l) {
            return (List<Object>) l;
        }
        throw bad("APPEND to " + describe(o) + ", not a list");
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> dict(Object o) throws WeightFileException {
        if (o instanceof LinkedHashMap<?, ?> m) {
            return (Map<Object, Object>) m;
        }
        throw bad("a dict operation on " + describe(o));
    }

    private void memoize(long index) throws WeightFileException {
        if (memo.size() >= MAX_ENTRIES && !memo.containsKey(index)) {
            throw bad("more than " + MAX_ENTRIES + " memo entries; a state dict needs a few per tensor");
        }
        memo.put(index, peek());
    }

    /** A dict key as a state dict has them: a string, integer, boolean or None; anything else is refused. */
    private Object key(Object k) throws WeightFileException {
        if (k == null || k instanceof String || k instanceof Long || k instanceof Boolean) {
            return k;
        }
        throw bad("a dict key that is a " + describe(k) + "; state dict keys are strings");
    }

    private void push(Object o) throws WeightFileException {
        if (stack.size() >= MAX_ENTRIES) {
            throw bad("more than " + MAX_ENTRIES + " values on the pickle stack");
        }
        stack.add(o);
    }

    private Object peek() throws WeightFileException {
        if (stack.isEmpty() || (!marks.isEmpty() && marks.get(marks.size() - 1) == stack.size())) {
            throw bad("stack underflow");
        }
        return stack.get(stack.size() - 1);
    }

    private Object pop() throws WeightFileException {
        Object o = peek();
        stack.remove(stack.size() - 1);
        return o;
    }

    private List<Object> popN(int n) throws WeightFileException {
        int floor = marks.isEmpty() ? 0 : marks.get(marks.size() - 1);
        if (stack.size() - n < floor) {
            throw bad("stack underflow");
        }
        List<Object> sub = stack.subList(stack.size() - n, stack.size());
        List<Object> items = new ArrayList<>(sub);
        sub.clear();
        return items;
    }

    private List<Object> popMark() throws WeightFileException {
        if (marks.isEmpty()) {
            throw bad("no MARK to pop to");
        }
        int at = marks.remove(marks.size() - 1);
        List<Object> sub = stack.subList(at, stack.size());
        List<Object> items = new ArrayList<>(sub);
        sub.clear();
        return items;
    }

    private Object recall(long index) throws WeightFileException {
        if (!memo.containsKey(index)) {
            throw bad("memo entry " + index + " was never stored");
        }
        return memo.get(index);
    }

    private ByteBuffer in(int n) throws WeightFileException {
        if (in.remaining() < n) {
            throw bad("the pickle is truncated");
        }
        ByteBuffer b = in.slice().order(ByteOrder.LITTLE_ENDIAN);
        b.limit(n);
        in.position(in.position() + n);
        return b;
    }

    private void skip(int n) throws WeightFileException {
        in(n);
    }

    private int u8() throws WeightFileException {
        return in(1).get() & 0xff;
    }

    private long u32() throws WeightFileException {
        return in(4).getInt() & 0xffffffffL;
    }

    private Object long1() throws WeightFileException {
        int n = u8();
        if (n > MAX_LONG_BYTES) {
            throw bad("an integer of " + n + " bytes; at most " + MAX_LONG_BYTES + " are expected");
        }
        byte[] le = new byte[n];
        in(n).get(le);
        byte[] be = new byte[Math.max(1, n)];
        for (int i = 0; i < n; i++) {
            be[n - 1 - i] = le[i];
        }
        BigInteger v = n == 0 ? BigInteger.ZERO : new BigInteger(be);
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }

    private String utf8(long n) throws WeightFileException {
        if (n > in.remaining()) {
            throw bad("a string of " + n + " bytes, but only " + in.remaining() + " remain (truncated)");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(in((int) n)).toString();
        } catch (CharacterCodingException e) {
            throw bad("a string that is not UTF-8");
        }
    }

    /** A GLOBAL operand: ASCII up to a newline. */
    private String line() throws WeightFileException {
        StringBuilder b = new StringBuilder();
        while (true) {
            if (!in.hasRemaining()) {
                throw bad("the pickle is truncated inside a GLOBAL");
            }
            int c = in.get() & 0xff;
            if (c == '\n') {
                return b.toString();
            }
            if (c < 0x20 || c > 0x7e || b.length() >= MAX_NAME) {
                throw bad("a GLOBAL name that is not a short printable name");
            }
            b.append((char) c);
        }
    }
}
