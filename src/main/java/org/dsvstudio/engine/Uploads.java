package org.dsvstudio.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Copies Java float arrays into new libtorch tensors through one reused direct buffer per thread.
 *
 * <p>Why: DJL's {@code NDManager.create(float[], Shape)} allocates a fresh direct ByteBuffer and the CPU tensor
 * aliases it, so that memory returns only after the garbage collector has run and the buffer's cleaner has
 * freed it. A DeepKKT step uploads its images, multipliers, targets and augmentation maps every step, and
 * that garbage made the process's resident memory swing between collections (docs/benchmark.md, "Memory").
 * Here the aliasing tensor is copied into libtorch's own memory (freed as soon as the copy is closed) and
 * closed at once, so the one buffer can be filled again for the next upload.
 */
public final class Uploads {

    private static final ThreadLocal<ByteBuffer> BUFFER = new ThreadLocal<>();

    private Uploads() {
    }

    /** A new FLOAT32 tensor in {@code manager} holding {@code data} with {@code shape}. */
    public static NDArray floats(NDManager manager, float[] data, Shape shape) {
        if (shape.size() != data.length) {
            throw new IllegalArgumentException("shape " + shape + " needs " + shape.size() + " values, got "
                    + data.length);
        }
        ByteBuffer buffer = buffer(data.length * Float.BYTES);
        buffer.clear();
        buffer.asFloatBuffer().put(data);
        buffer.limit(data.length * Float.BYTES);
        try (NDArray alias = manager.create(buffer, shape, DataType.FLOAT32)) {
            return alias.duplicate();
        }
    }

    /** A new 1-D FLOAT32 tensor in {@code manager} holding {@code data}. */
    public static NDArray floats(NDManager manager, float[] data) {
        return floats(manager, data, new Shape(data.length));
    }

    private static ByteBuffer buffer(int bytes) {
        ByteBuffer b = BUFFER.get();
        if (b == null || b.capacity() < bytes) {
            // Grows to the largest upload seen on this thread (n × pixels floats for a chunk of candidates).
            b = ByteBuffer.allocateDirect(Math.max(bytes, 4096)).order(ByteOrder.nativeOrder());
            BUFFER.set(b);
        }
        return b;
    }
}
