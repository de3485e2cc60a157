package org.tapegrad.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * {@link Tensor#copyFrom} and {@link Tensor#fill} on each of their paths: contiguous rows (copied whole),
 * a broadcast column (each row filled with one value), and strided targets and sources (element by
 * element); float32 values stay exactly what they were.
 */
class CopyFromTest {
    /** (3, 4) with distinct values, float32-exact. */
    private static Tensor source(DType type) {
        double[] v = new double[12];
        for (int i = 0; i < v.length; i++) {
            v[i] = (i + 1) * 0.375 - 2;
        }
        return Tensor.of(type, v, 3, 4);
    }

    @Test
    void aContiguousSourceIsCopiedElementForElement() {
        for (DType type : DType.values()) {
            Tensor target = Tensor.zeros(type, 3, 4);
            Tensor src = source(type);
            target.copyFrom(src);
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 4; j++) {
                    assertEquals(src.get(i, j), target.get(i, j), 0.0, type + " (" + i + ", " + j + ")");
                }
            }
        }
    }

    @Test
    void aRowAndAColumnAreBroadcastAcrossTheTarget() {
        Tensor row = Tensor.of(new double[] {1, 2, 3, 4}, 1, 4);
        Tensor column = Tensor.of(new double[] {-1, -2, -3}, 3, 1);
        Tensor fromRow = Tensor.zeros(3, 4).copyFrom(row);
        Tensor fromColumn = Tensor.zeros(3, 4).copyFrom(column);
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 4; j++) {
                assertEquals(j + 1, fromRow.get(i, j), 0.0);
                assertEquals(-(i + 1), fromColumn.get(i, j), 0.0);
            }
        }
    }

    @Test
    void aTransposedTargetAndATransposedSourceAreWrittenByIndex() {
        Tensor base = Tensor.zeros(4, 3);
        Tensor target = base.t(); // (3, 4), strides (1, 3)
        Tensor src = source(DType.FLOAT32);
        target.copyFrom(src);
        Tensor back = Tensor.zeros(4, 3).copyFrom(src.t());
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 4; j++) {
                assertEquals(src.get(i, j), base.get(j, i), 0.0, "through the view (" + i + ", " + j + ")");
                assertEquals(src.get(i, j), back.get(j, i), 0.0, "from the view (" + i + ", " + j + ")");
            }
        }
    }

    @Test
    void aSourceOfAnotherTypeIsConvertedAndRounded() {
        Tensor target = Tensor.zeros(DType.FLOAT32, 2, 2);
        target.copyFrom(Tensor.full(0.1, DType.FLOAT64, 2, 2));
        assertEquals((float) 0.1, target.get(1, 1), 0.0);
        Tensor wide = Tensor.zeros(DType.FLOAT64, 2).copyFrom(Tensor.full(0.1, DType.FLOAT32, 2));
        assertEquals((float) 0.1, wide.get(0), 0.0);
    }

    @Test
    void fillWritesTheValueRoundedToTheType() {
        Tensor t = Tensor.zeros(DType.FLOAT32, 2, 3);
        t.narrow(1, 1, 2).fill(0.1);
        for (int i = 0; i < 2; i++) {
            assertEquals(0.0, t.get(i, 0), 0.0);
            assertEquals((float) 0.1, t.get(i, 1), 0.0);
            assertEquals((float) 0.1, t.get(i, 2), 0.0);
        }
        assertEquals(0.1, Tensor.zeros(DType.FLOAT64, 2).fill(0.1).get(1), 0.0);
    }
}
