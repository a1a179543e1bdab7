package org.dsvstudio.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * How deeply the objects of a pickle nest, found by running the pickle machine's stack on depths instead of
 * objects. libtorch's unpickler (and the code that later walks the result) recurses per level: a 1 MB
 * {@code data.pkl} of a million nested tuples killed the process with SIGSEGV. Reading stops at the first
 * level past the limit. Opcodes outside protocols 0–5's binary set, as libtorch writes them, are refused: a
 * file that uses them is not one libtorch wrote.
 */
final class PickleDepth {

    /** Why a pickle was refused. */
    static final class Refused extends Exception {
        Refused(String why) {
            super(why);
        }
    }

    private int[] stack = new int[64];
    private int top;
    private int[] marks = new int[16];
    private int markTop;
    private final Map<Long, Integer> memo = new HashMap<>();
    private int max;
    private final int limit;

    private PickleDepth(int limit) {
        this.limit = limit;
    }

    /** The deepest nesting in bytes (0 for a lone scalar); throws Refused past limit or on a foreign opcode. */
    static int of(byte[] bytes, int limit) throws Refused {
        return new PickleDepth(limit).run(ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN));
    }

    private int run(ByteBuffer in) throws Refused {
        try {
            while (in.hasRemaining()) {
                int op = in.get() & 0xff;
                switch (op) {
                    case 0x80 -> in.get(); // PROTO
                    case 0x95 -> skip(in, 8); // FRAME
                    case '.' -> { // STOP
                        return max;
                    }
                    // atoms
                    case 'N', 0x88, 0x89 -> push(0); // NONE, NEWTRUE, NEWFALSE
                    case 'K' -> atom(in, 1); // BININT1
                    case 'M' -> atom(in, 2); // BININT2
                    case 'J' -> atom(in, 4); // BININT
                    case 'G' -> atom(in, 8); // BINFLOAT
                    case 0x8a -> atom(in, in.get() & 0xff); // LONG1
                    case 0x8b -> atom(in, length(in.getInt())); // LONG4
                    case 'X', 'B', 'T' -> atom(in, length(in.getInt())); // BINUNICODE, BINBYTES, BINSTRING
                    case 0x8c, 'C', 'U' -> atom(in, in.get() & 0xff); // SHORT_BINUNICODE, SHORT_BINBYTES, SHORT_BINSTRING
                    case 0x8d, 0x8e, 0x96 -> atom(in, length(in.getLong())); // BINUNICODE8, BINBYTES8, BYTEARRAY8
                    case 'c' -> { // GLOBAL module\nname\n
                        line(in);
                        line(in);
                        push(0);
                    }
                    case 0x93 -> { // STACK_GLOBAL
                        pop();
                        pop();
                        push(0);
                    }
                    // containers
                    case ')', ']', '}', 0x8f -> push(0); // EMPTY_TUPLE, EMPTY_LIST, EMPTY_DICT, EMPTY_SET
                    case '(' -> mark();
                    case 't', 'l', 'd', 0x91 -> push(popToMark() + 1); // TUPLE, LIST, DICT, FROZENSET
                    case 0x85 -> push(popN(1) + 1); // TUPLE1
                    case 0x86 -> push(popN(2) + 1); // TUPLE2
                    case 0x87 -> push(popN(3) + 1); // TUPLE3
                    case 'a' -> into(popN(1)); // APPEND
                    case 's' -> into(popN(2)); // SETITEM
                    case 'e', 'u', 0x90 -> into(popToMark()); // APPENDS, SETITEMS, ADDITEMS
                    case 'R', 0x81 -> push(popN(2) + 1); // REDUCE, NEWOBJ
                    case 0x92 -> push(popN(3) + 1); // NEWOBJ_EX
                    case 'b' -> into(popN(1)); // BUILD
                    case 'Q' -> push(popN(1) + 1); // BINPERSID
                    case '0' -> pop(); // POP
                    case '1' -> popToMark(); // POP_MARK
                    case '2' -> push(peek()); // DUP
                    // memo
                    case 'q' -> memo.put((long) (in.get() & 0xff), peek()); // BINPUT
                    case 'r' -> memo.put(in.getInt() & 0xffffffffL, peek()); // LONG_BINPUT
                    case 0x94 -> memo.put((long) memo.size(), peek()); // MEMOIZE
                    case 'h' -> push(memo.getOrDefault((long) (in.get() & 0xff), 0)); // BINGET
                    case 'j' -> push(memo.getOrDefault(in.getInt() & 0xffffffffL, 0)); // LONG_BINGET
                    default -> throw new Refused(String.format("pickle opcode 0x%02x at byte %d is not one libtorch"
                            + " writes", op, in.position() - 1));
                }
            }
            throw new Refused("the pickle ends without its STOP opcode");
        } catch (java.nio.BufferUnderflowException | IllegalArgumentException e) {
            throw new Refused("the pickle is truncated or damaged");
        } catch (ArrayIndexOutOfBoundsException e) {
            throw new Refused("the pickle takes from an empty stack: damaged");
        }
    }

    private static int length(long n) {
        if (n < 0 || n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("length");
        }
        return (int) n;
    }

    private static void skip(ByteBuffer in, int n) {
        in.position(in.position() + n);
    }

    private void atom(ByteBuffer in, int bytes) throws Refused {
        skip(in, bytes);
        push(0);
    }

    private static void line(ByteBuffer in) {
        while (in.get() != '\n') {
            // module or name of a GLOBAL
        }
    }

    private void push(int depth) throws Refused {
        if (depth > limit) {
            throw new Refused("objects nest more than " + limit + " levels deep");
        }
        if (top == stack.length) {
            stack = Arrays.copyOf(stack, stack.length * 2);
        }
        stack[top++] = depth;
        max = Math.max(max, depth);
    }

    private int pop() {
        if (top <= (markTop == 0 ? 0 : marks[markTop - 1])) {
            throw new ArrayIndexOutOfBoundsException();
        }
        return stack[--top];
    }

    private int peek() {
        return stack[top - 1];
    }

    private int popN(int n) {
        int d = 0;
        for (int i = 0; i < n; i++) {
            d = Math.max(d, pop());
        }
        return d;
    }

    private void mark() throws Refused {
        if (markTop == marks.length) {
            marks = Arrays.copyOf(marks, marks.length * 2);
        }
        if (markTop > limit) {
            throw new Refused("objects nest more than " + limit + " levels deep");
        }
        marks[markTop++] = top;
    }

    private int popToMark() {
        int to = marks[--markTop];
        int d = 0;
        while (top > to) {
            d = Math.max(d, stack[--top]);
        }
        return d;
    }

    /** Items of depth d go into the container on top of the stack. */
    private void into(int d) throws Refused {
        int c = Math.max(pop(), d + 1);
        push(c);
    }
}
