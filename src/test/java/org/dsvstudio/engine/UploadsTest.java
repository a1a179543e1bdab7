package org.dsvstudio.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.dsvstudio.TestSupport;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class UploadsTest {

    @Test
    void uploadsKeepTheirValuesWhenTheSharedBufferIsFilledAgain() throws Exception {
        DjlEngine engine = TestSupport.engine();
        TestSupport.compute(() -> {
            try (NDManager m = NDManager.newBaseManager(engine.device())) {
                float[] first = {1.5f, -2f, 3.25f, 0f, Float.MIN_VALUE, -7e30f};
                NDArray a = Uploads.floats(m, first, new Shape(2, 3));
                // A larger upload after it reuses (and here grows) the thread's buffer; a must not change.
                float[] second = new float[5000];
                for (int i = 0; i < second.length; i++) {
                    second[i] = i * 0.5f;
                }
                NDArray b = Uploads.floats(m, second);
                NDArray c = Uploads.floats(m, new float[] {9f, 8f});
                assertEquals(new Shape(2, 3), a.getShape());
                assertEquals(DataType.FLOAT32, a.getDataType());
                assertArrayEquals(first, a.toFloatArray());
                assertArrayEquals(second, b.toFloatArray());
                assertArrayEquals(new float[] {9f, 8f}, c.toFloatArray());
                // the same values as DJL's own create
                assertArrayEquals(m.create(first, new Shape(2, 3)).toFloatArray(), a.toFloatArray());
                return null;
            }
        });
    }

    @Test
    void aShapeThatDoesNotMatchTheValuesIsRefused() throws Exception {
        DjlEngine engine = TestSupport.engine();
        TestSupport.compute(() -> {
            try (NDManager m = NDManager.newBaseManager(engine.device())) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> Uploads.floats(m, new float[5], new Shape(2, 3)));
                assertEquals("shape (2, 3) needs 6 values, got 5", e.getMessage());
                return null;
            }
        });
    }
}
