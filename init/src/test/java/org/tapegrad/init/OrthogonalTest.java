package org.tapegrad.init;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Generator;
import org.tapegrad.autograd.Tensor;

class OrthogonalTest {
    private static final double TOLERANCE = 1e-12;

    @Test
    void squareMatrixIsOrthogonal() {
        double[] w = Init.orthogonal_(Tensor.zeros(DType.FLOAT64, 5, 5), 1.0, new Generator(1)).toDoubleArray();
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < 5; j++) {
                double rows = 0;
                double cols = 0;
                for (int k = 0; k < 5; k++) {
                    rows += w[i * 5 + k] * w[j * 5 + k];
                    cols += w[k * 5 + i] * w[k * 5 + j];
                }
                assertEquals(i == j ? 1.0 : 0.0, rows, TOLERANCE);
                assertEquals(i == j ? 1.0 : 0.0, cols, TOLERANCE);
            }
        }
    }

    @Test
    void convWeightIsFlattenedFromTheSecondDimension() {
        // (6, 2, 3, 3) is a 6 × 18 matrix: six orthonormal rows of length 18.
        double[] w = Init.orthogonal_(Tensor.zeros(DType.FLOAT64, 6, 2, 3, 3), 1.0, new Generator(2)).toDoubleArray();
        for (int i = 0; i < 6; i++) {
            double norm = 0;
            for (int k = 0; k < 18; k++) {
                norm += w[i * 18 + k] * w[i * 18 + k];
            }
            assertEquals(1.0, norm, TOLERANCE);
        }
    }

    @Test
    void conv2d64To128WeightHasOrthonormalRows() {
        // Conv2d(64, 128, 3).weight (128, 64, 3, 3) is 128 × 576; the reduced Q is 576 × 128, never 576 × 576.
        double[] w = Init.orthogonal_(Tensor.zeros(DType.FLOAT64, 128, 64, 3, 3), 1.0, new Generator(3))
                .toDoubleArray();
        for (int i = 0; i < 128; i += 17) {
            for (int j = 0; j < 128; j += 13) {
                double dot = 0;
                for (int k = 0; k < 576; k++) {
                    dot += w[i * 576 + k] * w[j * 576 + k];
                }
                assertEquals(i == j ? 1.0 : 0.0, dot, TOLERANCE, "(W·Wᵀ)[" + i + "][" + j + "]");
            }
        }
    }

    @Test
    void emptyTensorIsLeftAlone() {
        Tensor t = Tensor.zeros(0, 4);
        assertSame(t, Init.orthogonal_(t));
    }

    @Test
    void oneDimensionalTensorIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Init.orthogonal_(Tensor.zeros(4)));
        assertEquals("orthogonal_: Only tensors with 2 or more dimensions are supported, got shape [4]", e.getMessage());
    }
}
