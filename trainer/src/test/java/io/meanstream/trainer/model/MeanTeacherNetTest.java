package io.meanstream.trainer.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class MeanTeacherNetTest {

    @Test
    void channelsLastLayoutKeepsShapeAndValues() {
        try (NDManager m = NDManager.newBaseManager()) {
            for (Shape shape : new Shape[] {new Shape(4, 1, 5, 6), new Shape(3, 3, 4, 4)}) {
                NDArray x = m.arange((float) shape.size()).reshape(shape);
                NDArray relaid = MeanTeacherNet.channelsLastOnCpu(x);
                assertEquals(shape, relaid.getShape());
                assertArrayEquals(x.toFloatArray(), relaid.toFloatArray(), "logical order of the values");
                // element (n, c, h, w) is still where NCHW indexing expects it after further operations
                assertEquals(x.get("1, :, 2, 3").sum().getFloat(), relaid.get("1, :, 2, 3").sum().getFloat());
            }
        }
    }

    @Test
    void otherRanksPassThrough() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray v = m.arange(6f).reshape(2, 3);
            assertSame(v, MeanTeacherNet.channelsLastOnCpu(v));
        }
    }
}
