package org.tapegrad.init;

import static org.junit.jupiter.api.Assertions.assertEquals;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Scale;
import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Generator;
import org.tapegrad.autograd.Tensor;

class SparseProperties {

    @Property(tries = 100, seed = "5001")
    void everyColumnHasExactlyCeilSparsityTimesRowsZeros(@ForAll @IntRange(min = 1, max = 40) int rows,
            @ForAll @IntRange(min = 1, max = 40) int cols, @ForAll @Scale(6) @DoubleRange(min = 0, max = 1) double sparsity,
            @ForAll DType dtype, @ForAll long seed) {
        Tensor t = Init.sparse_(Tensor.zeros(dtype, rows, cols), sparsity, 0.01, new Generator(seed));
        int expected = (int) Math.ceil(sparsity * rows);
        for (int c = 0; c < cols; c++) {
            int zeros = 0;
            for (int r = 0; r < rows; r++) {
                zeros += t.get(r, c) == 0.0 ? 1 : 0;
            }
            assertEquals(expected, zeros, "column " + c + " of (" + rows + ", " + cols + ") at sparsity " + sparsity);
        }
    }
}
