package org.tapegrad.autograd.kernel;

import java.util.Arrays;
import java.util.Objects;

/**
 * Dense matrix multiplication on row-major {@code double[]} storage, in double or single precision:
 * the one kernel behind matmul, linear layers, convolutions and their gradients.
 *
 * <h2>Definition</h2>
 * {@link #multiply} computes
 * <pre>
 *   C = op(A) · op(B)              (accumulate == false)
 *   C = C + op(A) · op(B)          (accumulate == true)
 * </pre>
 * where op(A) is m×k, op(B) is k×n and C is m×n, all row-major:
 * <ul>
 *   <li>{@code transA == false}: A is stored m×k, {@code op(A)[i][p] = a[aOffset + i*k + p]};
 *       {@code transA == true}: A is stored k×m and op(A) = Aᵀ, {@code op(A)[i][p] = a[aOffset + p*m + i]}.</li>
 *   <li>{@code transB == false}: B is stored k×n, {@code op(B)[p][j] = b[bOffset + p*n + j]};
 *       {@code transB == true}: B is stored n×k and op(B) = Bᵀ, {@code op(B)[p][j] = b[bOffset + j*k + p]}.</li>
 *   <li>C: {@code C[i][j] = c[cOffset + i*n + j]}.</li>
 * </ul>
 * So the forward product {@code X·W}, and both backward products {@code dY·Wᵀ} and
 * {@code Xᵀ·dY}, are computed straight from the stored tensors, without materialising a transpose.
 * Only the m·n elements of C starting at {@code cOffset} are written; A and B are only read. C must
 * not overlap A or B. {@link #multiplyNaive} is the reference definition (a plain triple loop).
 *
 * <h2>Accuracy</h2>
 * The result equals the naive product up to floating-point reassociation: each {@code C[i][j]} is
 * a sum over p of {@code op(A)[i][p]·op(B)[p][j]} formed with fused multiply-adds
 * ({@link Math#fma}), in an order that depends on the path and the blocking (partial sums over
 * panels of k). In {@link Precision#DOUBLE} the difference from {@link #multiplyNaive} is bounded
 * by the usual {@code O(k·ε·Σ|a||b|)}; in {@link Precision#SINGLE} the packed path sums in float
 * (ε = 2⁻²⁴, as sgemm), the other paths in double, rounding C to float once. The result does not
 * depend on the number of threads (threads split C, not the sums). With k == 0 the product is zero:
 * C is zeroed, or left unchanged when accumulating.
 *
 * <h2>Design</h2>
 * Plain Java cannot name SIMD instructions, so the speed comes from loops that the C2 JIT
 * auto-vectorises (AVX2: 4 doubles or 8 floats per fused multiply-add; AVX-512: 8 or 16). The large products follow
 * the packed, cache-blocked design of GotoBLAS, turned so that the vector dimension is the column
 * index j:
 * <ol>
 *   <li>C is cut into column blocks of 4 KiB of values (512 doubles or 1024 floats), k into about
 *       equal panels of at most {@value #KC} (+2).</li>
 *   <li>The panel op(B)[pc..pc+kc)[jc..jc+nc) is packed into {@code kc} separate row arrays
 *       (copied, or for transB transposed 8 rows at a time), zero-padded to a multiple of 3 rows.
 *       It lives in L2/L3 and is streamed once per 3 rows of C; its packing cost is amortised
 *       over m.</li>
 *   <li>For each group of {@value #MR} rows of C, the 3×kc slice of op(A) is packed interleaved
 *       (L1), and the micro-kernel updates a 3×nc tile of C held in 3 row arrays (L1), three
 *       depths p per pass: 9 FMAs for 6 loads and 3 stores per vector of j.</li>
 * </ol>
 * The blocking and the threads are driven here for both precisions; the packing and the
 * micro-kernel are {@link PanelKernel}'s: {@link DoublePanelKernel} (which also records the
 * shapes of loop C2 vectorises) and {@link FloatPanelKernel}, which rounds to float while packing, or
 * copies operands given as floats: a float32 weight's float copy, or a B that exists only as floats
 * ({@link #multiplySingle}: a float32 convolution's column matrix), and which can write C as floats
 * ({@link #multiplySingleToFloats}: the gradient of that matrix, summed in float by col2im).
 *
 * <p>Where packing cannot pay off, scalar loops with several independent accumulators are faster:
 * <ul>
 *   <li>{@code n == 1} (y = op(A)·x) and {@code m == 1} (y = x·op(B)): per-row dot products, three
 *       rows and six accumulators at a time (y = W·x, W row-major) or axpy updates of y by four rows
 *       at a time (y = Wᵀ·x);</li>
 *   <li>C narrower than {@value #BLOCKED_MIN_N} columns, or m·n·k below {@value #DIRECT_MAX_WORK}:
 *       dot products of rows of op(A) with rows of op(B)ᵀ (transposing into scratch if needed).</li>
 * </ul>
 * A tall C narrower than {@value #NARROW_N} columns is computed transposed, so that the kernel's
 * rows are long; single-precision products with m or k below {@value #SINGLE_PANEL_MIN} use double
 * panels (see {@link #panelPrecision}).
 * Products of at least {@value #PARALLEL_MIN_WORK} multiply-adds (m·n·k, 64³: about 25 µs on one
 * core, so that the ~10 µs of handing work to another thread can pay off) are split across
 * {@link Parallelism}: the threads pack each B panel together, then share it, claiming groups of 3
 * rows of C as they become free. When C has fewer than 2·threads such groups, or when A is small next
 * to B (m·threads ≤ n, as in the MLP's 16-row products), its columns are split instead, one share per
 * thread, each thread packing its own panels and all of A. Matrix–vector products of at least
 * {@value #PARALLEL_MIN_VECTOR_WORK} multiply-adds are split by output elements. Threads only
 * ever split C, never a sum, so the result does not depend on their number.
 */
public final class Gemm {

    private static final int MR = PanelKernel.MR;
    private static final int KU = PanelKernel.KU;
    private static final int KC = PanelKernel.KC;
    /** m·n·k at or above which the blocked path is split across threads (64³). */
    static final long PARALLEL_MIN_WORK = 64L * 64 * 64;
    /** m·n·k below which general products use dot products instead of the packed kernel (8³). */
    static final long DIRECT_MAX_WORK = 8L * 8 * 8;
    /** C narrower than this uses dot products: the kernel's j loops would be too short. */
    static final int BLOCKED_MIN_N = 8;
    /** C narrower than this, and at least twice as tall, is computed transposed. */
    static final int NARROW_N = 32;
    /** m and k at or above which single-precision products use float panels. */
    static final int SINGLE_PANEL_MIN = 8;
    /** Fewest columns per share when a product is split by columns (a share is otherwise n / threads). */
    static final int MIN_SPLIT_COLUMNS = 64;
    /** Matrix–vector multiply-adds at or above which the product is split across threads (2¹⁷). */
    static final long PARALLEL_MIN_VECTOR_WORK = 1L << 17;

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private Gemm() {
    }

    /**
     * {@code C = op(A)·op(B)}, or {@code C += op(A)·op(B)} when {@code accumulate}, in double
     * precision; see the class comment for the layouts. Modifies only
     * {@code c[cOffset .. cOffset + m*n)}.
     *
     * @param m          rows of op(A) and C
     * @param n          columns of op(B) and C
     * @param k          columns of op(A), rows of op(B)
     * @param a          A, stored m×k (or k×m when {@code transA}); not modified
     * @param aOffset    index of A's first element in {@code a}
     * @param transA     whether op(A) = Aᵀ
     * @param b          B, stored k×n (or n×k when {@code transB}); not modified
     * @param bOffset    index of B's first element in {@code b}
     * @param transB     whether op(B) = Bᵀ
     * @param c          C, stored m×n; must not overlap A or B; modified
     * @param cOffset    index of C's first element in {@code c}
     * @param accumulate add the product to C instead of overwriting C
     * @throws IllegalArgumentException if a size or offset is negative, an array is too short, or C
     *                                  overlaps A or B
     * @throws NullPointerException     if an array is null
     */
    public static void multiply(int m, int n, int k, double[] a, int aOffset, boolean transA,
            double[] b, int bOffset, boolean transB, double[] c, int cOffset, boolean accumulate) {
        multiply(Precision.DOUBLE, m, n, k, a, aOffset, transA, b, bOffset, transB, c, cOffset, accumulate);
    }

    /**
     * {@code C = op(A)·op(B)}, or {@code C += op(A)·op(B)} when {@code accumulate}, formed in
     * {@code precision} (see the class comment). With {@link Precision#SINGLE} every element of C
     * the call writes is left exactly representable as a {@code float} (C's old values included,
     * when accumulating with k = 0).
     *
     * @param precision  the arithmetic: double, or single as float32 kernels do
     * @param m          rows of op(A) and C
     * @param n          columns of op(B) and C
     * @param k          columns of op(A), rows of op(B)
     * @param a          A, stored m×k (or k×m when {@code transA}); not modified
     * @param aOffset    index of A's first element in {@code a}
     * @param transA     whether op(A) = Aᵀ
     * @param b          B, stored k×n (or n×k when {@code transB}); not modified
     * @param bOffset    index of B's first element in {@code b}
     * @param transB     whether op(B) = Bᵀ
     * @param c          C, stored m×n; must not overlap A or B; modified
     * @param cOffset    index of C's first element in {@code c}
     * @param accumulate add the product to C instead of overwriting C
     * @throws IllegalArgumentException if a size or offset is negative, an array is too short, or C
     *                                  overlaps A or B
     * @throws NullPointerException     if an array or the precision is null
     */
    public static void multiply(Precision precision, int m, int n, int k, double[] a, int aOffset, boolean transA,
            double[] b, int bOffset, boolean transB, double[] c, int cOffset, boolean accumulate) {
        multiply(precision, m, n, k, a, null, aOffset, transA, b, null, bOffset, transB, c, cOffset, accumulate);
    }

    /**
     * {@link #multiply(Precision, int, int, int, double[], int, boolean, double[], int, boolean, double[], int,
     * boolean) multiply}, where A or B may also be given as {@code float}s: a float32 tensor's
     * {@code storageFloats()}, indexed like its doubles. The paths that gain from floats read them
     * instead: matrix–vector products (bound by memory: half the bytes) and single-precision panels
     * (nothing to convert while packing). Since the floats hold the same values, the result is the
     * same, bit for bit, as without them.
     *
     * @param aFloats null, or {@code a}'s values as floats: {@code aFloats[i] == a[i]} for every i
     * @param bFloats null, or {@code b}'s values as floats: {@code bFloats[i] == b[i]} for every i
     * @throws IllegalArgumentException as the other overload, or if a float copy's length differs from
     *                                  its array's
     */
    public static void multiply(Precision precision, int m, int n, int k, double[] a, float[] aFloats, int aOffset,
            boolean transA, double[] b, float[] bFloats, int bOffset, boolean transB, double[] c, int cOffset,
            boolean accumulate) {
        Objects.requireNonNull(precision, "gemm: precision is null");
        checkArguments(m, n, k, a, aOffset, b, bOffset, c, cOffset);
        checkFloatCopy("a", a, aFloats);
        checkFloatCopy("b", b, bFloats);
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            if (!accumulate) {
                Arrays.fill(c, cOffset, cOffset + m * n, 0.0);
            }
        } else if (n == 1) {
            // y (m) = op(A) · x, x = b[bOffset .. bOffset + k) for either layout of a k×1 matrix
            if (transA) {
                axpyRows(k, m, a, aOffset, b, bOffset, c, cOffset, accumulate);
            } else {
                dotRows(m, k, a, aFloats, aOffset, b, bOffset, c, cOffset, accumulate);
            }
        } else if (m == 1) {
            // y (n) = x · op(B), x = a[aOffset .. aOffset + k)
            if (transB) {
                dotRows(n, k, b, bFloats, bOffset, a, aOffset, c, cOffset, accumulate);
            } else {
                axpyRows(k, n, b, bOffset, a, aOffset, c, cOffset, accumulate);
            }
        } else if (isDirect(m, n, k)) {
            direct(m, n, k, a, aOffset, transA, b, bOffset, transB, c, cOffset, accumulate);
        } else if (isTransposed(m, n)) {
            transposedProduct(precision, m, n, k, a, aFloats, aOffset, transA, b, bFloats, bOffset, transB, c, cOffset,
                    accumulate);
        } else {
            Precision panels = panelPrecision(precision, m, k);
            blocked(panels, m, n, k, a, aFloats, aOffset, transA, b, bFloats, bOffset, transB, c, null, cOffset,
                    accumulate);
            if (panels == Precision.SINGLE) {
                return; // the single-precision panels already leave C in float
            }
        }
        if (precision == Precision.SINGLE) {
            // the paths that are bound by memory (matrix–vector products) or too small for float panels
            // compute in double and round once, at least as accurate as summing in float
            FloatRounding.round(c, cOffset, cOffset + m * n);
        }
    }

    /**
     * {@code C = op(A)·op(B)}, or {@code C += op(A)·op(B)} when {@code accumulate}, in single precision,
     * where B exists only as {@code float}s: a float32 convolution's column matrix, which im2col writes
     * straight into floats. The result is the same, bit for bit, as {@link #multiply(Precision, int, int,
     * int, double[], float[], int, boolean, double[], float[], int, boolean, double[], int, boolean)
     * multiply} given B's values as doubles. Products that {@link #packsSinglePanels pack single-precision
     * panels} read B directly, with nothing to convert; the others convert B to doubles first (a copy).
     *
     * @param aFloats null, or {@code a}'s values as floats
     * @param b       B, stored k×n (or n×k when {@code transB}), as floats; not modified
     * @throws IllegalArgumentException as the other overloads
     * @throws NullPointerException     if {@code a}, {@code b} or {@code c} is null
     */
    public static void multiplySingle(int m, int n, int k, double[] a, float[] aFloats, int aOffset, boolean transA,
            float[] b, int bOffset, boolean transB, double[] c, int cOffset, boolean accumulate) {
        Objects.requireNonNull(a, "gemm: a is null");
        Objects.requireNonNull(b, "gemm: b is null");
        Objects.requireNonNull(c, "gemm: c is null");
        multiplySingle(m, n, k, a, aFloats, aOffset, transA, null, b, bOffset, transB, c, null, cOffset, accumulate);
    }

    /**
     * {@code C = op(A)·op(B)}, or {@code C += op(A)·op(B)} when {@code accumulate}, in single precision,
     * where C is {@code float}s: a float32 convolution's column-matrix gradient {@code Wᵀ·G}, which col2im
     * then sums in float. Each value of C is the same, bit for bit, as {@link #multiply(Precision, int, int,
     * int, double[], float[], int, boolean, double[], float[], int, boolean, double[], int, boolean)
     * multiply} would leave in a double C holding the same values. Products that {@link #packsSinglePanels
     * pack single-precision panels} write C directly, with nothing to convert; the others are computed in a
     * double copy of C first.
     *
     * @param aFloats null, or {@code a}'s values as floats
     * @param c       C, stored m×n, as floats; modified
     * @throws IllegalArgumentException as the other overloads
     * @throws NullPointerException     if {@code a}, {@code b} or {@code c} is null
     */
    public static void multiplySingleToFloats(int m, int n, int k, double[] a, float[] aFloats, int aOffset,
            boolean transA, double[] b, int bOffset, boolean transB, float[] c, int cOffset, boolean accumulate) {
        Objects.requireNonNull(a, "gemm: a is null");
        Objects.requireNonNull(b, "gemm: b is null");
        Objects.requireNonNull(c, "gemm: c is null");
        multiplySingle(m, n, k, a, aFloats, aOffset, transA, b, null, bOffset, transB, null, c, cOffset, accumulate);
    }

    /**
     * {@code C = op(A)·op(B)}, or {@code C += op(A)·op(B)} when {@code accumulate}, in single precision,
     * with each operand given as doubles, as {@code float}s, or (A and B) both: the tensors of float32
     * layers, some held as floats ({@code Tensor.storageFloats()}), some as doubles. Every value of C is
     * the same, bit for bit, as {@link #multiply(Precision, int, int, int, double[], float[], int, boolean,
     * double[], float[], int, boolean, double[], int, boolean) multiply} in {@link Precision#SINGLE} would
     * leave given the same values as doubles. Products that {@link #packsSinglePanels pack single-precision
     * panels} read and write the floats directly; the others convert the float operands to doubles first.
     *
     * @param a       A as doubles, or null when given as {@code aFloats} only
     * @param aFloats A as floats, or null; when both are given they hold the same values at the same indices
     * @param b       B as doubles, or null when given as {@code bFloats} only
     * @param bFloats B as floats, or null; as for A
     * @param c       C as doubles, or null when given as {@code cFloats}; modified
     * @param cFloats C as floats, or null when given as {@code c}; modified
     * @throws IllegalArgumentException if a size or offset is negative, an array is too short, C overlaps A
     *                                  or B, or C is given neither way or both ways
     * @throws NullPointerException     if A or B is given neither way
     */
    public static void multiplySingle(int m, int n, int k, double[] a, float[] aFloats, int aOffset, boolean transA,
            double[] b, float[] bFloats, int bOffset, boolean transB, double[] c, float[] cFloats, int cOffset,
            boolean accumulate) {
        checkSizes(m, n, k);
        checkOperand("a", a, aFloats, aOffset, (long) m * k, "m*k", m, n, k);
        checkOperand("b", b, bFloats, bOffset, (long) k * n, "k*n", m, n, k);
        if ((c == null) == (cFloats == null)) {
            throw new IllegalArgumentException("gemm: c must be given either as doubles or as floats, not "
                    + (c == null ? "neither" : "both") + " (m=" + m + ", n=" + n + ", k=" + k + ")");
        }
        checkArray("c", c != null ? c.length : cFloats.length, cOffset, (long) m * n, "m*n", m, n, k);
        if (a != null && aFloats != null) {
            checkFloatCopy("a", a, aFloats);
        }
        if (b != null && bFloats != null) {
            checkFloatCopy("b", b, bFloats);
        }
        if (c != null) {
            checkDisjoint("a", a, aOffset, (long) m * k, c, cOffset, (long) m * n);
            checkDisjoint("b", b, bOffset, (long) k * n, c, cOffset, (long) m * n);
        } else {
            checkDisjoint("aFloats", aFloats, aOffset, (long) m * k, cFloats, cOffset, (long) m * n);
            checkDisjoint("bFloats", bFloats, bOffset, (long) k * n, cFloats, cOffset, (long) m * n);
        }
        if (c != null && transposesSinglePanels(m, n, k)) {
            // a tall, narrow C (a classifier's logits) from float panels: the float operands are packed as they are
            transposedProduct(Precision.SINGLE, m, n, k, aFloats != null ? null : a, aFloats, aOffset, transA,
                    bFloats != null ? null : b, bFloats, bOffset, transB, c, cOffset, accumulate);
            FloatRounding.round(c, cOffset, cOffset + m * n);
            return;
        }
        if (!packsSinglePanels(m, n, k)) {
            double[] cDoubles = c != null ? c : floatsToDoubles(cFloats, cOffset, accumulate ? m * n : 0, m * n);
            int cAt = c != null ? cOffset : 0;
            multiply(Precision.SINGLE, m, n, k, a != null ? a : floatsToDoubles(aFloats, aOffset, m * k, m * k),
                    a != null ? aFloats : null, a != null ? aOffset : 0, transA,
                    b != null ? b : floatsToDoubles(bFloats, bOffset, k * n, k * n), b != null ? bFloats : null,
                    b != null ? bOffset : 0, transB, cDoubles, cAt, accumulate);
            if (cFloats != null) {
                for (int i = 0; i < m * n; i++) {
                    cFloats[cOffset + i] = (float) cDoubles[i]; // exact: the values are floats already
                }
            }
            return;
        }
        // the float panels read a float operand when there is one
        blocked(Precision.SINGLE, m, n, k, aFloats != null ? null : a, aFloats, aOffset, transA,
                bFloats != null ? null : b, bFloats, bOffset, transB, c, cFloats, cOffset, accumulate);
    }

    /** A new array of {@code size} doubles whose first {@code copied} are {@code x[offset..]}, the rest zero. */
    private static double[] floatsToDoubles(float[] x, int offset, int copied, int size) {
        double[] d = new double[size];
        for (int i = 0; i < copied; i++) {
            d[i] = x[offset + i];
        }
        return d;
    }

    private static void checkOperand(String name, double[] x, float[] xFloats, int offset, long size, String sizeName,
            int m, int n, int k) {
        if (x == null && xFloats == null) {
            throw new NullPointerException("gemm: " + name + " is null");
        }
        checkArray(name, x != null ? x.length : xFloats.length, offset, size, sizeName, m, n, k);
    }

    /**
     * Whether {@link #multiply} in {@link Precision#SINGLE} computes an m×n×k product with float panels, so
     * that B given as floats ({@link #multiplySingle}) needs no conversion at all: the packed path, with
     * neither m nor k tiny.
     */
    public static boolean packsSinglePanels(int m, int n, int k) {
        return m > 1 && n > 1 && k > 0 && !isDirect(m, n, k) && !isTransposed(m, n)
                && panelPrecision(Precision.SINGLE, m, k) == Precision.SINGLE;
    }

    /**
     * Whether {@link #multiply} in {@link Precision#SINGLE} computes an m×n×k product transposed
     * ({@link #transposedProduct}) from float panels.
     */
    private static boolean transposesSinglePanels(int m, int n, int k) {
        return m > 1 && n > 1 && k > 0 && !isDirect(m, n, k) && isTransposed(m, n)
                && panelPrecision(Precision.SINGLE, n, k) == Precision.SINGLE;
    }

    /** Whether an m×n×k product (m, n &gt; 1) is too small or too narrow for packing to pay off. */
    private static boolean isDirect(int m, int n, int k) {
        return n < BLOCKED_MIN_N || (long) m * n * k < DIRECT_MAX_WORK;
    }

    /** Whether C is tall and narrow enough to be computed transposed ({@link #transposedProduct}). */
    private static boolean isTransposed(int m, int n) {
        return n < NARROW_N && m >= 2 * n;
    }

    /**
     * The panels a blocked product uses: single-precision panels pay for converting the operands to
     * float (a scalar loop: C2 does not vectorise conversions) only when each converted value feeds
     * enough multiply-adds, that is when neither m nor k is tiny; otherwise double panels are faster,
     * and C is rounded to float at the end. (Measured on one core: 3×27 and 27×3 filters ran ~25%
     * slower in float panels; 16×9 and larger ran 1.3–1.8× faster.)
     */
    private static Precision panelPrecision(Precision precision, int m, int k) {
        return precision == Precision.SINGLE && m >= SINGLE_PANEL_MIN && k >= SINGLE_PANEL_MIN
                ? Precision.SINGLE : Precision.DOUBLE;
    }

    /**
     * A tall, narrow C (n &lt; {@value #NARROW_N} columns, at least twice as many rows), such as the
     * logits of a classifier layer, would give the micro-kernel j loops of a few vectors: it is computed
     * as {@code Cᵀ = op(B)ᵀ·op(A)ᵀ} (n×m, long rows) into scratch, then transposed into C.
     */
    private static void transposedProduct(Precision precision, int m, int n, int k, double[] a, float[] aFloats,
            int aOff, boolean transA, double[] b, float[] bFloats, int bOff, boolean transB, double[] c, int cOff,
            boolean acc) {
        double[] ct = SCRATCH.get().product(n * m);
        // op(B)ᵀ is n×k: stored as B is, k×n when !transB; op(A)ᵀ is k×m: stored m×k when !transA
        blocked(panelPrecision(precision, n, k), n, m, k, b, bFloats, bOff, !transB, a, aFloats, aOff, !transA, ct,
                null, 0, false);
        for (int i = 0; i < m; i++) {
            int row = cOff + i * n;
            for (int j = 0; j < n; j++) {
                c[row + j] = acc ? c[row + j] + ct[j * m + i] : ct[j * m + i];
            }
        }
    }


    /**
     * The reference definition of {@link #multiply} (same arguments, same checks): for each
     * {@code i, j}, {@code C[i][j] (+)= Σ_p op(A)[i][p]·op(B)[p][j]} summed in order p = 0..k-1
     * with plain multiplications and additions. Slow; for tests and documentation.
     *
     * @param m          rows of op(A) and C
     * @param n          columns of op(B) and C
     * @param k          columns of op(A), rows of op(B)
     * @param a          A, stored m×k (or k×m when {@code transA}); not modified
     * @param aOffset    index of A's first element in {@code a}
     * @param transA     whether op(A) = Aᵀ
     * @param b          B, stored k×n (or n×k when {@code transB}); not modified
     * @param bOffset    index of B's first element in {@code b}
     * @param transB     whether op(B) = Bᵀ
     * @param c          C, stored m×n; must not overlap A or B; modified
     * @param cOffset    index of C's first element in {@code c}
     * @param accumulate add the product to C instead of overwriting C
     * @throws IllegalArgumentException as {@link #multiply}
     * @throws NullPointerException     as {@link #multiply}
     * @see #multiply
     */
    public static void multiplyNaive(int m, int n, int k, double[] a, int aOffset, boolean transA,
            double[] b, int bOffset, boolean transB, double[] c, int cOffset, boolean accumulate) {
        checkArguments(m, n, k, a, aOffset, b, bOffset, c, cOffset);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0.0;
                for (int p = 0; p < k; p++) {
                    double x = transA ? a[aOffset + p * m + i] : a[aOffset + i * k + p];
                    double y = transB ? b[bOffset + j * k + p] : b[bOffset + p * n + j];
                    sum += x * y;
                }
                int ci = cOffset + i * n + j;
                c[ci] = accumulate ? c[ci] + sum : sum;
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // argument checks

    private static void checkArguments(int m, int n, int k, double[] a, int aOffset, double[] b, int bOffset,
            double[] c, int cOffset) {
        Objects.requireNonNull(a, "gemm: a is null");
        Objects.requireNonNull(b, "gemm: b is null");
        Objects.requireNonNull(c, "gemm: c is null");
        checkSizes(m, n, k);
        long aSize = (long) m * k;
        long bSize = (long) k * n;
        long cSize = (long) m * n;
        checkArray("a", a.length, aOffset, aSize, "m*k", m, n, k);
        checkArray("b", b.length, bOffset, bSize, "k*n", m, n, k);
        checkArray("c", c.length, cOffset, cSize, "m*n", m, n, k);
        if (cSize > 0) {
            checkDisjoint("a", a, aOffset, aSize, c, cOffset, cSize);
            checkDisjoint("b", b, bOffset, bSize, c, cOffset, cSize);
        }
    }

    private static void checkSizes(int m, int n, int k) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException(
                    "gemm: sizes must be >= 0, got m=" + m + ", n=" + n + ", k=" + k);
        }
    }

    private static void checkArray(String name, int length, int offset, long size, String sizeName, int m, int n,
            int k) {
        if (offset < 0) {
            throw new IllegalArgumentException(
                    "gemm: " + name + "Offset must be >= 0, got " + offset + " (m=" + m + ", n=" + n + ", k=" + k + ")");
        }
        if (offset + size > length) {
            throw new IllegalArgumentException("gemm: array " + name + " too short: needs " + name + "Offset + "
                    + sizeName + " = " + offset + " + " + size + " = " + (offset + size) + " elements, has " + length
                    + " (m=" + m + ", n=" + n + ", k=" + k + ")");
        }
    }

    private static void checkFloatCopy(String name, double[] x, float[] floats) {
        if (floats != null && floats.length != x.length) {
            throw new IllegalArgumentException("gemm: " + name + "Floats has " + floats.length + " elements, " + name
                    + " has " + x.length + ": a float copy must hold the same values at the same indices");
        }
    }

    private static void checkDisjoint(String name, float[] x, int xOffset, long xSize, float[] c, int cOffset,
            long cSize) {
        if (x == c && xSize > 0 && xOffset < cOffset + cSize && cOffset < xOffset + xSize) {
            throw new IllegalArgumentException("gemm: c [" + cOffset + ", " + (cOffset + cSize) + ") overlaps " + name
                    + " [" + xOffset + ", " + (xOffset + xSize) + ") in the same array");
        }
    }

    private static void checkDisjoint(String name, double[] x, int xOffset, long xSize, double[] c, int cOffset,
            long cSize) {
        if (x == c && xSize > 0 && xOffset < cOffset + cSize && cOffset < xOffset + xSize) {
            throw new IllegalArgumentException("gemm: c [" + cOffset + ", " + (cOffset + cSize) + ") overlaps " + name
                    + " [" + xOffset + ", " + (xOffset + xSize) + ") in the same array");
        }
    }

    // ------------------------------------------------------------------------------------------
    // matrix-vector products

    /**
     * {@code y[r] (+)= Σ_p M[r][p]·x[p]} for r in [0, rows), M stored rows×len row-major at
     * {@code mOff}: per-row dot products, split across threads by rows when large.
     */
    private static void dotRows(int rows, int len, double[] mat, float[] matFloats, int mOff, double[] x, int xOff,
            double[] y, int yOff, boolean acc) {
        Parallelism.IntRangeBody range = matFloats != null
                ? (from, to) -> dotRowsRange(from, to, len, matFloats, mOff, x, xOff, y, yOff, acc)
                : (from, to) -> dotRowsRange(from, to, len, mat, mOff, x, xOff, y, yOff, acc);
        if ((long) rows * len >= PARALLEL_MIN_VECTOR_WORK && Parallelism.threads() > 1) {
            int minRows = (int) Math.max(4, PARALLEL_MIN_VECTOR_WORK / 2 / len);
            Parallelism.parallelFor(0, rows, minRows, range);
        } else {
            range.run(0, rows);
        }
    }

    private static void dotRowsRange(int from, int to, int len, double[] mat, int mOff, double[] x, int xOff,
            double[] y, int yOff, boolean acc) {
        // Three rows at a time, two accumulators each: six independent FMA chains, and each x
        // element loaded serves three rows. (Measured: 2×4 and 4×2 run out of registers and spill
        // accumulators to the stack, 2× slower.) Loop limits are computed up front so that C2
        // sees counted loops and removes the bounds checks.
        int r = from;
        int pairs = len - 1;
        for (; r < to - 2; r += 3) {
            int o0 = mOff + r * len;
            int o1 = o0 + len;
            int o2 = o1 + len;
            double s0 = 0, s1 = 0, t0 = 0, t1 = 0, u0 = 0, u1 = 0;
            int p = 0;
            for (; p < pairs; p += 2) {
                double x0 = x[xOff + p], x1 = x[xOff + p + 1];
                s0 = Math.fma(mat[o0 + p], x0, s0);
                s1 = Math.fma(mat[o0 + p + 1], x1, s1);
                t0 = Math.fma(mat[o1 + p], x0, t0);
                t1 = Math.fma(mat[o1 + p + 1], x1, t1);
                u0 = Math.fma(mat[o2 + p], x0, u0);
                u1 = Math.fma(mat[o2 + p + 1], x1, u1);
            }
            if (p < len) {
                double xp = x[xOff + p];
                s0 = Math.fma(mat[o0 + p], xp, s0);
                t0 = Math.fma(mat[o1 + p], xp, t0);
                u0 = Math.fma(mat[o2 + p], xp, u0);
            }
            y[yOff + r] = acc ? y[yOff + r] + (s0 + s1) : s0 + s1;
            y[yOff + r + 1] = acc ? y[yOff + r + 1] + (t0 + t1) : t0 + t1;
            y[yOff + r + 2] = acc ? y[yOff + r + 2] + (u0 + u1) : u0 + u1;
        }
        int quads = len - 3;
        for (; r < to; r++) {
            int o0 = mOff + r * len;
            double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            int p = 0;
            for (; p < quads; p += 4) {
                s0 = Math.fma(mat[o0 + p], x[xOff + p], s0);
                s1 = Math.fma(mat[o0 + p + 1], x[xOff + p + 1], s1);
                s2 = Math.fma(mat[o0 + p + 2], x[xOff + p + 2], s2);
                s3 = Math.fma(mat[o0 + p + 3], x[xOff + p + 3], s3);
            }
            for (; p < len; p++) {
                s0 = Math.fma(mat[o0 + p], x[xOff + p], s0);
            }
            double d = (s0 + s1) + (s2 + s3);
            y[yOff + r] = acc ? y[yOff + r] + d : d;
        }
    }

    /**
     * {@link #dotRowsRange(int, int, int, double[], int, double[], int, double[], int, boolean)} reading M
     * as floats (a float32 weight's float copy): the same loop and the same sums in double, over half
     * the bytes, which is what a matrix–vector product streaming its matrix from memory is bound by.
     */
    private static void dotRowsRange(int from, int to, int len, float[] mat, int mOff, double[] x, int xOff,
            double[] y, int yOff, boolean acc) {
        int r = from;
        int pairs = len - 1;
        for (; r < to - 2; r += 3) {
            int o0 = mOff + r * len;
            int o1 = o0 + len;
            int o2 = o1 + len;
            double s0 = 0, s1 = 0, t0 = 0, t1 = 0, u0 = 0, u1 = 0;
            int p = 0;
            for (; p < pairs; p += 2) {
                double x0 = x[xOff + p], x1 = x[xOff + p + 1];
                s0 = Math.fma(mat[o0 + p], x0, s0);
                s1 = Math.fma(mat[o0 + p + 1], x1, s1);
                t0 = Math.fma(mat[o1 + p], x0, t0);
                t1 = Math.fma(mat[o1 + p + 1], x1, t1);
                u0 = Math.fma(mat[o2 + p], x0, u0);
                u1 = Math.fma(mat[o2 + p + 1], x1, u1);
            }
            if (p < len) {
                double xp = x[xOff + p];
                s0 = Math.fma(mat[o0 + p], xp, s0);
                t0 = Math.fma(mat[o1 + p], xp, t0);
                u0 = Math.fma(mat[o2 + p], xp, u0);
            }
            y[yOff + r] = acc ? y[yOff + r] + (s0 + s1) : s0 + s1;
            y[yOff + r + 1] = acc ? y[yOff + r + 1] + (t0 + t1) : t0 + t1;
            y[yOff + r + 2] = acc ? y[yOff + r + 2] + (u0 + u1) : u0 + u1;
        }
        int quads = len - 3;
        for (; r < to; r++) {
            int o0 = mOff + r * len;
            double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            int p = 0;
            for (; p < quads; p += 4) {
                s0 = Math.fma(mat[o0 + p], x[xOff + p], s0);
                s1 = Math.fma(mat[o0 + p + 1], x[xOff + p + 1], s1);
                s2 = Math.fma(mat[o0 + p + 2], x[xOff + p + 2], s2);
                s3 = Math.fma(mat[o0 + p + 3], x[xOff + p + 3], s3);
            }
            for (; p < len; p++) {
                s0 = Math.fma(mat[o0 + p], x[xOff + p], s0);
            }
            double d = (s0 + s1) + (s2 + s3);
            y[yOff + r] = acc ? y[yOff + r] + d : d;
        }
    }

    /**
     * {@code y[j] (+)= Σ_p x[p]·M[p][j]} for j in [0, width), M stored len×width row-major at
     * {@code mOff}: axpy updates of y by rows of M, split across threads by columns when large.
     */
    private static void axpyRows(int len, int width, double[] mat, int mOff, double[] x, int xOff, double[] y,
            int yOff, boolean acc) {
        if ((long) len * width >= PARALLEL_MIN_VECTOR_WORK && Parallelism.threads() > 1) {
            int minCols = (int) Math.max(16, PARALLEL_MIN_VECTOR_WORK / 2 / len);
            Parallelism.parallelFor(0, width, minCols,
                    (from, to) -> axpyRowsRange(from, to, len, width, mat, mOff, x, xOff, y, yOff, acc));
        } else {
            axpyRowsRange(0, width, len, width, mat, mOff, x, xOff, y, yOff, acc);
        }
    }

    private static void axpyRowsRange(int from, int to, int len, int width, double[] mat, int mOff, double[] x,
            int xOff, double[] y, int yOff, boolean acc) {
        if (!acc) {
            Arrays.fill(y, yOff + from, yOff + to, 0.0);
        }
        int p = 0;
        int quads = len - 3;
        // four rows of M per pass over y: one load and store of y per four FMAs
        for (; p < quads; p += 4) {
            double x0 = x[xOff + p], x1 = x[xOff + p + 1], x2 = x[xOff + p + 2], x3 = x[xOff + p + 3];
            int o0 = mOff + p * width, o1 = o0 + width, o2 = o1 + width, o3 = o2 + width;
            for (int j = from; j < to; j++) {
                y[yOff + j] = Math.fma(x3, mat[o3 + j],
                        Math.fma(x2, mat[o2 + j], Math.fma(x1, mat[o1 + j], Math.fma(x0, mat[o0 + j], y[yOff + j]))));
            }
        }
        for (; p < len; p++) {
            double x0 = x[xOff + p];
            int o0 = mOff + p * width;
            for (int j = from; j < to; j++) {
                y[yOff + j] = Math.fma(x0, mat[o0 + j], y[yOff + j]);
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // small or narrow products: dot products, no panel packing

    /**
     * {@code C[i][j] (+)= op(A)[i,:] · op(B)[:,j]} as dot products of contiguous rows: op(B)ᵀ is
     * B itself when {@code transB} (else B is transposed into scratch), and op(A)'s rows are A's
     * when {@code !transA} (else A is transposed into scratch). Row i of C is then
     * {@link #dotRowsRange} of op(B)ᵀ with row i of op(A). Used where the vectorised kernel cannot
     * pay off: narrow C (its j loops would be a few elements long) and tiny products.
     */
    private static void direct(int m, int n, int k, double[] a, int aOff, boolean transA, double[] b, int bOff,
            boolean transB, double[] c, int cOff, boolean acc) {
        Scratch s = SCRATCH.get();
        if (!transB) {
            double[] bt = s.transposeB(k * n);
            transpose(b, bOff, k, n, bt);
            b = bt;
            bOff = 0;
        }
        if (transA) {
            double[] ar = s.transposeA(k * m);
            transpose(a, aOff, k, m, ar);
            a = ar;
            aOff = 0;
        }
        if ((long) m * n * k >= PARALLEL_MIN_WORK && Parallelism.threads() > 1) {
            double[] aRows = a;
            int aRowsOff = aOff;
            double[] bRows = b;
            int bRowsOff = bOff;
            Parallelism.parallelFor(0, m, 1,
                    (from, to) -> dotProducts(from, to, n, k, aRows, aRowsOff, bRows, bRowsOff, c, cOff, acc));
        } else {
            dotProducts(0, m, n, k, a, aOff, b, bOff, c, cOff, acc);
        }
    }

    /** Rows [from, to) of C (m×n) from the rows of op(A) (m×k) and of op(B)ᵀ (n×k). */
    private static void dotProducts(int from, int to, int n, int k, double[] aRows, int aOff, double[] bRows,
            int bOff, double[] c, int cOff, boolean acc) {
        for (int i = from; i < to; i++) {
            dotRowsRange(0, n, k, bRows, bOff, aRows, aOff + i * k, c, cOff + i * n, acc);
        }
    }

    /** out[j*rows + i] = x[xOff + i*cols + j]: transposes a rows×cols row-major matrix. */
    private static void transpose(double[] x, int xOff, int rows, int cols, double[] out) {
        for (int i = 0; i < rows; i++) {
            int src = xOff + i * cols;
            for (int j = 0; j < cols; j++) {
                out[j * rows + i] = x[src + j];
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // the packed, blocked path

    /** The packed path; {@code cFloats} is null, or C as floats, written instead of {@code c} (float panels only). */
    private static void blocked(Precision precision, int m, int n, int k, double[] a, float[] aFloats, int aOff,
            boolean transA, double[] b, float[] bFloats, int bOff, boolean transB, double[] c, float[] cFloats, int cOff,
            boolean acc) {
        int t = Parallelism.threads();
        boolean parallel = t > 1 && (long) m * n * k >= PARALLEL_MIN_WORK;
        int rowGroups = (m + MR - 1) / MR;
        if (parallel && n >= 2 * MIN_SPLIT_COLUMNS && (rowGroups < 2 * t || (long) m * t <= n)) {
            // Split the columns, one share per thread, each thread packing its own B panels and all of A:
            // when there are too few rows to share out, or when A is small next to B (the MLP's 16-row
            // products), since a shared B panel is packed by all cores and read by all of them, moving
            // more data between the cores than packing A once per thread costs (PERFORMANCE.md).
            Parallelism.parallelFor(0, n, Math.max(MIN_SPLIT_COLUMNS, n / t), (from, to) -> blockedColumns(precision,
                    from, to, false, m, n, k, a, aFloats, aOff, transA, b, bFloats, bOff, transB, c, cFloats, cOff,
                    acc));
        } else {
            blockedColumns(precision, 0, n, parallel, m, n, k, a, aFloats, aOff, transA, b, bFloats, bOff, transB, c,
                    cFloats, cOff, acc);
        }
    }

    /**
     * Computes columns [colFrom, colTo) of C. Each packed B panel is used by all rows of C; with
     * {@code shareRows} the threads share it, claiming groups of rows as they become free (so a
     * thread slowed down by the rest of the machine simply takes fewer).
     */
    private static void blockedColumns(Precision precision, int colFrom, int colTo, boolean shareRows, int m, int n,
            int k, double[] a, float[] aFloats, int aOff, boolean transA, double[] b, float[] bFloats, int bOff,
            boolean transB, double[] c, float[] cFloats, int cOff, boolean acc) {
        PanelKernel owner = PanelKernel.ofThisThread(precision);
        // equal panels of at most KC (+2) rows, each a multiple of KU after zero padding
        int panels = (k + KC - 1) / KC;
        int kcStep = roundUp((k + panels - 1) / panels, KU);
        int rowGroups = (m + MR - 1) / MR;
        for (int jc = colFrom; jc < colTo; jc += owner.panelWidth) {
            int nc = Math.min(owner.panelWidth, colTo - jc);
            for (int pc = 0; pc < k; pc += kcStep) {
                int kc = Math.min(kcStep, k - pc);
                int kcPadded = roundUp(kc, KU);
                boolean overwrite = pc == 0 && !acc;
                int ci = cOff + jc;
                int p0 = pc;
                int j0 = jc;
                if (shareRows) {
                    // pack together, then compute together: two short parallel loops per panel
                    Parallelism.parallelFor(0, kcPadded, 16,
                            (from, to) -> PanelKernel.ofThisThread(precision).packB(owner, from, to, b, bFloats, bOff,
                                    transB, n, k, p0, kc, j0, nc));
                    Parallelism.parallelFor(0, rowGroups, 1, (from, to) -> PanelKernel.ofThisThread(precision)
                            .multiplyRows(owner, from * MR, Math.min(m, to * MR), kc, kcPadded, nc, overwrite, m, k,
                                    a, aFloats, aOff, transA, p0, c, cFloats, ci, n));
                } else {
                    owner.packB(owner, 0, kcPadded, b, bFloats, bOff, transB, n, k, pc, kc, jc, nc);
                    owner.multiplyRows(owner, 0, m, kc, kcPadded, nc, overwrite, m, k, a, aFloats, aOff, transA, p0, c,
                            cFloats, ci, n);
                }
            }
        }
    }

    private static int roundUp(int x, int multiple) {
        return (x + multiple - 1) / multiple * multiple;
    }

    /**
     * Per-thread buffers for transposed operands ({@link #direct}) and results
     * ({@link #transposedProduct}); they grow to the largest size used, up to {@link #KEEP_MAX} values.
     * (The blocked path's buffers are in {@link PanelKernel}.)
     */
    private static final class Scratch {
        /** Largest buffer kept per thread (64 Ki doubles, 512 KiB); larger ones are allocated per use. */
        static final int KEEP_MAX = 1 << 16;
        private final double[][] kept = new double[3][0];

        double[] transposeA(int size) {
            return atLeast(0, size);
        }

        double[] transposeB(int size) {
            return atLeast(1, size);
        }

        double[] product(int size) {
            return atLeast(2, size);
        }

        private double[] atLeast(int slot, int size) {
            if (size <= kept[slot].length) {
                return kept[slot];
            }
            double[] fresh = new double[size];
            if (size <= KEEP_MAX) {
                kept[slot] = fresh;
            }
            return fresh;
        }
    }
}
