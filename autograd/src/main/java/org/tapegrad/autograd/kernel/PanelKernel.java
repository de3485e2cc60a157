package org.tapegrad.autograd.kernel;

/**
 * One precision's half of {@link Gemm}'s packed, blocked path: how a panel of op(B) and a sliver of
 * op(A) are packed, and the micro-kernel that multiplies them. {@link Gemm} drives the blocking and
 * the threads the same way for both precisions; only these two steps differ.
 *
 * <p>An instance belongs to one thread and holds that thread's packing buffers (about 2 MiB per
 * precision used, allocated once, reused by every product). The B panel is packed into the buffer of the thread
 * that drives the product and then read by all threads sharing it: {@link #packB} and {@link #multiplyRows}
 * take the panel's owner as an argument and use their own thread's buffers for staging, A and C.
 */
abstract class PanelKernel {
    /** Rows of C updated by one micro-kernel call. */
    static final int MR = 3;
    /** Values of p per pass of the micro-kernel; packed panels are padded to a multiple of it. */
    static final int KU = 3;
    /**
     * Depth of a packed panel (rows of op(B), columns of op(A)), before padding. Measured at 1024³ on
     * two threads: 512 ran ~10% faster than 256 in double precision (fewer passes over each C tile).
     */
    static final int KC = 512;
    /**
     * Bytes in a row of a packed B panel and of the C tile, whatever the precision: long j loops
     * amortise each loop's set-up, and 3 C rows stay in L1. Measured at 1024³ on two threads: 1024
     * floats per row ran ~20% faster than 512 in single precision.
     */
    static final int ROW_BYTES = 4096;
    /**
     * Extra elements at the end of each scratch row, so that the rows are not a multiple of 4 KiB
     * apart (loads would be falsely ordered after stores to another row).
     */
    static final int ROW_PAD = 8;

    private static final ThreadLocal<DoublePanelKernel> DOUBLE = ThreadLocal.withInitial(DoublePanelKernel::new);
    private static final ThreadLocal<FloatPanelKernel> SINGLE = ThreadLocal.withInitial(FloatPanelKernel::new);

    /** Width of the B panel and of the C tile in values: {@link #ROW_BYTES} over the value's size. */
    final int panelWidth;

    PanelKernel(int panelWidth) {
        this.panelWidth = panelWidth;
    }

    /** The calling thread's kernel for {@code precision}. */
    static PanelKernel ofThisThread(Precision precision) {
        return precision == Precision.SINGLE ? SINGLE.get() : DOUBLE.get();
    }

    /**
     * Packs rows [pFrom, pTo) of the B panel of {@code owner} (a kernel of the same precision), on the
     * calling thread (whose kernel this must be, for its scratch buffers):
     * {@code panel[p][j] = op(B)[pc + p][jc + j]} for p &lt; kc and j &lt; nc (nc &le; {@link #panelWidth}),
     * zero for kc &le; p &lt; kcPadded (see {@link Gemm} for op(B)). {@code bFloats} is null or B's values
     * as floats, for a kernel that packs floats to copy instead of converting; a float kernel given
     * {@code bFloats} does not read {@code b}, which may then be null ({@link Gemm#multiplySingle}).
     */
    abstract void packB(PanelKernel owner, int pFrom, int pTo, double[] b, float[] bFloats, int bOff, boolean transB,
            int n, int k, int pc, int kc, int jc, int nc);

    /**
     * Rows [rowFrom, rowTo) of one panel's product, on the calling thread (whose kernel this must be):
     * {@code C[i][j] (+)= Σ_p op(A)[i][pc + p]·panel[p][j]} for p &lt; kc and j &lt; nc, where
     * {@code panel} is the B panel packed by {@code owner} (a kernel of the same precision) and
     * {@code ci} is the index of C[0][jc]. With {@code overwrite} C's old values are ignored.
     * {@code aFloats} is null or A's values as floats (see {@link #packB}). {@code cFloats} is null, or C
     * as floats, written instead of {@code c} (which is then not used): only a float kernel takes one.
     */
    abstract void multiplyRows(PanelKernel owner, int rowFrom, int rowTo, int kc, int kcPadded, int nc,
            boolean overwrite, int m, int k, double[] a, float[] aFloats, int aOff, boolean transA, int pc,
            double[] c, float[] cFloats, int ci, int ldc);
}
