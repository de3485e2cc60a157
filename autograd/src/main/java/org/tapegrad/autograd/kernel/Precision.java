package org.tapegrad.autograd.kernel;

/**
 * The arithmetic a {@link Gemm} product is formed in.
 *
 * <p>The operands and the result are always {@code double[]} arrays (tapegrad's storage); the
 * precision says how the products and sums are computed and what the result holds.
 */
public enum Precision {
    /** Double precision: products and sums in {@code double}, as BLAS dgemm. */
    DOUBLE,
    /**
     * Single precision, as BLAS sgemm and PyTorch's float32 kernels: the operands are rounded to
     * {@code float} (a no-op for float32 tensors, whose values already are floats), products are
     * summed in {@code float} (twice as many per vector instruction as doubles), and every element of the
     * result is exactly representable as a {@code float}.
     */
    SINGLE
}
