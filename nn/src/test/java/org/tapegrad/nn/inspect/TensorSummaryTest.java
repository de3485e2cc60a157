package org.tapegrad.nn.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Tensor;

/** The statistics kept of each tensor, and the row comparison behind the symmetric verdict. */
class TensorSummaryTest {
    private static final double EXACT = 1e-12;

    @Test
    void summarisesMeanPopulationStdExtremesNormAndExactZeros() {
        TensorSummary s = TensorSummary.of(new double[] {0, 3, -4, 0, -0.0, 1});
        assertEquals(6, s.numel());
        assertEquals(0.0, s.mean(), EXACT);
        assertEquals(Math.sqrt(26.0 / 6), s.std(), EXACT);
        assertEquals(-4, s.min());
        assertEquals(3, s.max());
        assertEquals(4, s.maxAbs());
        assertEquals(Math.sqrt(26.0), s.norm(), EXACT);
        assertEquals(3, s.zeroCount(), "-0.0 is zero");
        assertEquals(0.5, s.zeroFraction());
        assertFalse(s.allZero());
        assertTrue(s.allFinite());
    }

    @Test
    void zeroIsExactWithNoTolerance() {
        assertFalse(TensorSummary.of(new double[] {0, Double.MIN_VALUE}).allZero());
        assertTrue(TensorSummary.of(Tensor.zeros(2, 3)).allZero());
    }

    @Test
    void countsNonFiniteValuesAndReportsNoScaleForThem() {
        TensorSummary s = TensorSummary.of(new double[] {1, Double.POSITIVE_INFINITY, Double.NaN});
        assertEquals(2, s.nonFiniteCount());
        assertFalse(s.allFinite());
        assertTrue(Double.isNaN(s.std()));
        assertTrue(Double.isNaN(s.maxAbs()));
    }

    @Test
    void hugeFiniteValuesDoNotOverflowTheStd() {
        TensorSummary s = TensorSummary.of(new double[] {1e200, -1e200});
        assertEquals(1e200, s.std(), 1e186);
        assertEquals(Math.sqrt(2) * 1e200, s.norm(), 1e186);
    }

    @Test
    void anEmptyTensorHasNoScaleAndNoZeros() {
        TensorSummary s = TensorSummary.of(new double[0]);
        assertTrue(Double.isNaN(s.mean()));
        assertFalse(s.allZero());
        assertEquals(0.0, s.zeroFraction());
    }

    @Test
    void rowsOfAConvWeightAreItsOutputChannels() {
        Tensor w = Tensor.full(5.0, DType.FLOAT64, 3, 2, 2, 2);
        RowSymmetry same = RowSymmetry.of(w, null);
        assertEquals(3, same.rows());
        assertTrue(same.weightRowsIdentical());
        assertEquals(5.0, same.commonValue());
        assertEquals(0.0, same.gradientRowSpread());
    }

    @Test
    void oneDifferentEntryBreaksTheSymmetry() {
        double[] data = {1, 2, 1, 2, 1, 2.0000001};
        RowSymmetry s = RowSymmetry.of(Tensor.of(data, 3, 2), null);
        assertFalse(s.weightRowsIdentical());
        assertTrue(Double.isNaN(s.commonValue()));
        assertTrue(RowSymmetry.of(Tensor.of(new double[] {1, 2, 1, 2}, 2, 2), null).weightRowsIdentical());
    }

    @Test
    void gradientSpreadIsTheLargestRowDifferenceOverTheLargestEntry() {
        Tensor w = Tensor.zeros(2, 2);
        Tensor g = Tensor.of(new double[] {1, 4, 1, 3}, 2, 2);
        assertEquals(0.25, RowSymmetry.of(w, g).gradientRowSpread(), EXACT);
        assertEquals(0.0, RowSymmetry.of(w, Tensor.zeros(2, 2)).gradientRowSpread());
    }

    @Test
    void aVectorHasNoRowsToCompare() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RowSymmetry.of(Tensor.zeros(3), null));
        assertEquals("RowSymmetry: the weight must have 2 or more dimensions (one row per unit), got 1", e.getMessage());
    }
}
