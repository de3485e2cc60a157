package org.tapegrad.autograd.kernel;

import java.util.Arrays;
import java.util.Objects;

/**
 * Dense matrix multiplication on row-major {@code double[]} storage: the one kernel behind matmul,
 * linear layers and their gradients.
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
 * panels of k). The difference from {@link #multiplyNaive} is bounded by the usual
 * {@code O(k·ε·Σ|a||b|)}. The result does not depend on the number of threads (threads split C, not
 * the sums). With k == 0 the product is zero: C is zeroed, or left unchanged when accumulating.
 *
 * <h2>Design</h2>
 * Plain Java cannot name SIMD instructions, so the speed comes from loops that the C2 JIT
 * auto-vectorises (AVX2 {@code vfmadd231pd}, 4 doubles per instruction). We measured on JDK 17
 * (OpenJDK 17.0.15, AMD EPYC Zen 3) that C2 vectorises a loop over j only when
 * <ul>
 *   <li>every {@code double[]} access in it is {@code x[j]} with no offset: with
 *       {@code c[cOff + j]} and {@code b[bOff + j]} it cannot rule out an overlap and keeps the
 *       loop scalar;</li>
 *   <li>its body is small (it must be unrolled first, {@code -XX:LoopUnrollLimit} = 60 nodes):
 *       3 rows × 3 depths, 4×2 and 1×6 vectorise, 2×4, 3×4, 4×3, 5×2 and 8×1 do not;</li>
 *   <li>its method contains no other loop, and it is not inlined into one that does.</li>
 * </ul>
 * That dictates a packed, cache-blocked design in the style of GotoBLAS, turned so that the
 * vector dimension is the column index j:
 * <ol>
 *   <li>C is cut into column blocks of {@value #NC}, k into about equal panels of at most
 *       {@value #KC} (+2).</li>
 *   <li>The panel op(B)[pc..pc+kc)[jc..jc+nc) is packed into {@code kc} separate row arrays
 *       (copied, or for transB transposed 8 rows at a time), zero-padded to a multiple of 3 rows.
 *       At 256×512 it is 1 MiB: it lives in L2/L3 and is streamed once per 3 rows of C; its
 *       packing cost is amortised over m.</li>
 *   <li>For each group of {@value #MR} rows of C, the 3×kc slice of op(A) is packed interleaved
 *       (6 KiB, L1), and the kernel copies the 3×nc tile of C into 3 row arrays (12 KiB, L1), adds
 *       the panel's product and copies it back: C is read and written once per k panel.</li>
 *   <li>The micro-kernel walks p three at a time; for each triple one vectorised j loop updates
 *       the 3 C rows from 3 B rows: 9 FMAs for 6 loads and 3 stores per element, the best ratio
 *       of the shapes that vectorise (4×2: 8 FMAs for 6 loads and 4 stores, measured ~15% slower;
 *       scalar shapes are 3× slower). The 16 ymm registers hold the 9 broadcast A values, 3 B
 *       vectors and the accumulator.</li>
 * </ol>
 * The scratch arrays are per thread ({@link ThreadLocal}), allocated once and reused; their rows
 * are padded by {@value #ROW_PAD} doubles so that the rows are not 4 KiB apart (loads would be
 * falsely ordered after stores to the other row).
 *
 * <p>Where packing cannot pay off, scalar loops with several independent accumulators are faster:
 * <ul>
 *   <li>{@code n == 1} (y = op(A)·x) and {@code m == 1} (y = x·op(B)): per-row dot products, three
 *       rows and six accumulators at a time (y = W·x, W row-major) or axpy updates of y by four rows
 *       at a time (y = Wᵀ·x);</li>
 *   <li>C narrower than {@value #BLOCKED_MIN_N} columns, or m·n·k below {@value #DIRECT_MAX_WORK}:
 *       dot products of rows of op(A) with rows of op(B)ᵀ (transposing into scratch if needed).</li>
 * </ul>
 * Products of at least {@value #PARALLEL_MIN_WORK} multiply-adds (m·n·k, 64³: about 25 µs on one
 * core, so that the ~10 µs of handing work to another thread can pay off) are split across
 * {@link Parallelism}: the threads pack each B panel together, then share it, claiming groups of 3
 * rows of C as they become free (when C has fewer than 2·threads such groups, its columns are
 * split instead, each thread packing its own panels). Matrix–vector products of at least
 * {@value #PARALLEL_MIN_VECTOR_WORK} multiply-adds are split by output elements. Threads only
 * ever split C, never a sum, so the result does not depend on their number.
 */
public final class Gemm {

    /** Rows of C updated by one micro-kernel call. */
    static final int MR = 3;
    /** Values of p per pass of the micro-kernel; packed panels are padded to a multiple of it. */
    static final int KU = 3;
    /** Depth of a packed panel (rows of op(B), columns of op(A)), before padding. */
    static final int KC = 256;
    /** Width of a packed B panel and of the C tile: long j loops amortise each loop's set-up. */
    static final int NC = 512;
    /** Extra doubles at the end of each scratch row (see the class comment). */
    static final int ROW_PAD = 8;
    /** m·n·k at or above which the blocked path is split across threads (64³). */
    static final long PARALLEL_MIN_WORK = 64L * 64 * 64;
    /** m·n·k below which general products use dot products instead of the packed kernel (8³). */
    static final long DIRECT_MAX_WORK = 8L * 8 * 8;
    /** C narrower than this uses dot products: the kernel's j loops would be too short. */
    static final int BLOCKED_MIN_N = 8;
    /** Fewest columns per thread when a product with few rows is split by columns. */
    static final int MIN_SPLIT_COLUMNS = 64;
    /** Matrix–vector multiply-adds at or above which the product is split across threads (2¹⁷). */
    static final long PARALLEL_MIN_VECTOR_WORK = 1L << 17;

    /** Source of zeros for starting a C tile from scratch. */
    private static final double[] ZEROS = new double[NC];

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private Gemm() {
    }

    /**
     * {@code C = op(A)·op(B)}, or {@code C += op(A)·op(B)} when {@code accumulate}; see the class
     * comment for the layouts. Modifies only {@code c[cOffset .. cOffset + m*n)}.
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
        checkArguments(m, n, k, a, aOffset, b, bOffset, c, cOffset);
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            if (!accumulate) {
                Arrays.fill(c, cOffset, cOffset + m * n, 0.0);
            }
            return;
        }
        if (n == 1) {
            // y (m) = op(A) · x, x = b[bOffset .. bOffset + k) for either layout of a k×1 matrix
            if (transA) {
                axpyRows(k, m, a, aOffset, b, bOffset, c, cOffset, accumulate);
            } else {
                dotRows(m, k, a, aOffset, b, bOffset, c, cOffset, accumulate);
            }
        } else if (m == 1) {
            // y (n) = x · op(B), x = a[aOffset .. aOffset + k)
            if (transB) {
                dotRows(n, k, b, bOffset, a, aOffset, c, cOffset, accumulate);
            } else {
                axpyRows(k, n, b, bOffset, a, aOffset, c, cOffset, accumulate);
            }
        } else if (n < BLOCKED_MIN_N || (long) m * n * k < DIRECT_MAX_WORK) {
            direct(m, n, k, a, aOffset, transA, b, bOffset, transB, c, cOffset, accumulate);
        } else {
            blocked(m, n, k, a, aOffset, transA, b, bOffset, transB, c, cOffset, accumulate);
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
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException(
                    "gemm: sizes must be >= 0, got m=" + m + ", n=" + n + ", k=" + k);
        }
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
    private static void dotRows(int rows, int len, double[] mat, int mOff, double[] x, int xOff, double[] y,
            int yOff, boolean acc) {
        if ((long) rows * len >= PARALLEL_MIN_VECTOR_WORK && Parallelism.threads() > 1) {
            int minRows = (int) Math.max(4, PARALLEL_MIN_VECTOR_WORK / 2 / len);
            Parallelism.parallelFor(0, rows, minRows,
                    (from, to) -> dotRowsRange(from, to, len, mat, mOff, x, xOff, y, yOff, acc));
        } else {
            dotRowsRange(0, rows, len, mat, mOff, x, xOff, y, yOff, acc);
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

    private static void blocked(int m, int n, int k, double[] a, int aOff, boolean transA, double[] b, int bOff,
            boolean transB, double[] c, int cOff, boolean acc) {
        int t = Parallelism.threads();
        boolean parallel = t > 1 && (long) m * n * k >= PARALLEL_MIN_WORK;
        int rowGroups = (m + MR - 1) / MR;
        if (parallel && rowGroups < 2 * t && n >= 2 * MIN_SPLIT_COLUMNS) {
            // too few rows to share out: split the columns, each thread packing its own B panels
            Parallelism.parallelFor(0, n, MIN_SPLIT_COLUMNS, (from, to) ->
                    blockedColumns(from, to, false, m, n, k, a, aOff, transA, b, bOff, transB, c, cOff, acc));
        } else {
            blockedColumns(0, n, parallel, m, n, k, a, aOff, transA, b, bOff, transB, c, cOff, acc);
        }
    }

    /**
     * Computes columns [colFrom, colTo) of C. Each packed B panel is used by all rows of C; with
     * {@code shareRows} the threads share it, claiming groups of rows as they become free (so a
     * thread slowed down by the rest of the machine simply takes fewer).
     */
    private static void blockedColumns(int colFrom, int colTo, boolean shareRows, int m, int n, int k, double[] a,
            int aOff, boolean transA, double[] b, int bOff, boolean transB, double[] c, int cOff, boolean acc) {
        double[][] bRows = SCRATCH.get().bRows;
        // equal panels of at most KC (+2) rows, each a multiple of KU after zero padding
        int panels = (k + KC - 1) / KC;
        int kcStep = roundUp((k + panels - 1) / panels, KU);
        int rowGroups = (m + MR - 1) / MR;
        for (int jc = colFrom; jc < colTo; jc += NC) {
            int nc = Math.min(NC, colTo - jc);
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
                            (from, to) -> packB(bRows, from, to, b, bOff, transB, n, k, p0, kc, j0, nc));
                    Parallelism.parallelFor(0, rowGroups, 1, (from, to) -> panelRows(from * MR,
                            Math.min(m, to * MR), bRows, kc, kcPadded, nc, overwrite, m, k, a, aOff, transA, p0, c,
                            ci, n));
                } else {
                    packB(bRows, 0, kcPadded, b, bOff, transB, n, k, pc, kc, jc, nc);
                    panelRows(0, m, bRows, kc, kcPadded, nc, overwrite, m, k, a, aOff, transA, p0, c, ci, n);
                }
            }
        }
    }

    /**
     * Rows [rowFrom, rowTo) of one packed panel's product, on the current thread:
     * {@code C[i][j] (+)= Σ_p op(A)[i][pc + p]·bRows[p][j]} for p < kc and j < nc, where
     * {@code ci} is the index of C[0][jc].
     */
    private static void panelRows(int rowFrom, int rowTo, double[][] bRows, int kc, int kcPadded, int nc,
            boolean overwrite, int m, int k, double[] a, int aOff, boolean transA, int pc, double[] c, int ci,
            int ldc) {
        Scratch s = SCRATCH.get();
        for (int i = rowFrom; i < rowTo; i += MR) {
            int mr = Math.min(MR, rowTo - i);
            packA(s.aPack, a, aOff, transA, m, k, i, mr, pc, kc, kcPadded);
            kernel(s.aPack, bRows, s.cRows, kcPadded, nc, c, ci + i * ldc, ldc, mr, overwrite);
        }
    }

    private static int roundUp(int x, int multiple) {
        return (x + multiple - 1) / multiple * multiple;
    }

    /**
     * Packs rows [pFrom, pTo) of a panel: bRows[p][j] = op(B)[pc + p][jc + j] for p < kc and
     * j < nc, zero for kc <= p < kcPadded.
     */
    private static void packB(double[][] bRows, int pFrom, int pTo, double[] b, int bOff, boolean transB, int n,
            int k, int pc, int kc, int jc, int nc) {
        for (int p = Math.max(pFrom, kc); p < pTo; p++) {
            Arrays.fill(bRows[p], 0, nc, 0.0);
        }
        int pEnd = Math.min(pTo, kc);
        if (!transB) {
            for (int p = pFrom; p < pEnd; p++) {
                System.arraycopy(b, bOff + (pc + p) * n + jc, bRows[p], 0, nc);
            }
        } else {
            // B stored n×k: op(B)[p][j] = b[j*k + p]. Transpose 8 stored rows at a time, each read
            // sequentially; walking down a column instead (stride k, often a power of two) would
            // map every load to the same few L1 sets.
            int j = 0;
            for (; j + 7 < nc; j += 8) {
                int s0 = bOff + (jc + j) * k + pc, s1 = s0 + k, s2 = s1 + k, s3 = s2 + k;
                int s4 = s3 + k, s5 = s4 + k, s6 = s5 + k, s7 = s6 + k;
                for (int p = pFrom; p < pEnd; p++) {
                    double[] row = bRows[p];
                    row[j] = b[s0 + p];
                    row[j + 1] = b[s1 + p];
                    row[j + 2] = b[s2 + p];
                    row[j + 3] = b[s3 + p];
                    row[j + 4] = b[s4 + p];
                    row[j + 5] = b[s5 + p];
                    row[j + 6] = b[s6 + p];
                    row[j + 7] = b[s7 + p];
                }
            }
            for (; j < nc; j++) {
                int s0 = bOff + (jc + j) * k + pc;
                for (int p = pFrom; p < pEnd; p++) {
                    bRows[p][j] = b[s0 + p];
                }
            }
        }
    }

    /**
     * aPack[p*MR + r] = op(A)[i + r][pc + p] for r < mr, p < kc. Rows mr..MR-1 are zero (their
     * results go to spare C rows and are discarded), and so are the padding depths
     * kc <= p < kcPadded (whose B rows are zero too, so they add exactly 0 even next to Inf).
     */
    private static void packA(double[] aPack, double[] a, int aOff, boolean transA, int m, int k, int i, int mr,
            int pc, int kc, int kcPadded) {
        if (!transA) {
            for (int r = 0; r < mr; r++) {
                int src = aOff + (i + r) * k + pc;
                for (int p = 0; p < kc; p++) {
                    aPack[p * MR + r] = a[src + p];
                }
            }
        } else {
            // A stored k×m: op(A)[i][p] = a[p*m + i], so the MR values for one p are contiguous
            int src = aOff + pc * m + i;
            for (int p = 0; p < kc; p++) {
                for (int r = 0; r < mr; r++) {
                    aPack[p * MR + r] = a[src + p * m + r];
                }
            }
        }
        if (mr < MR) {
            for (int p = 0; p < kc; p++) {
                for (int r = mr; r < MR; r++) {
                    aPack[p * MR + r] = 0.0;
                }
            }
        }
        Arrays.fill(aPack, kc * MR, kcPadded * MR, 0.0);
    }

    /**
     * The micro-kernel: {@code C[i+r][jc+j] (+)= Σ_p aPack[p*MR + r]·bRows[p][j]} for r < mr,
     * j < nc, p < kc (kc a multiple of 3), where {@code ci} is the index of C[i][jc].
     *
     * <p>The mr rows of C are copied into the row arrays {@code cRows} (or zeroed), updated, and
     * copied back. Three values of p per pass give a j loop of 6 loads, 9 FMAs and 3 stores per
     * element, the best ratio among the loop bodies C2 still vectorises; every array in it is
     * indexed by the bare j so that it does.
     *
     * <p>C2 (JDK 17) vectorises this loop nest only while its method contains no other loop, so
     * (measured: 3× slower otherwise) there are no remainder loops for kc % 3 (the panels are
     * zero-padded instead), the row copies are written out rather than looped over, and the
     * method must not be inlined into {@link #panelRows}: its bytecode, copies included, stays
     * above C2's inlining limit for hot methods ({@code -XX:FreqInlineSize}, 325 bytes).
     */
    private static void kernel(double[] aPack, double[][] bRows, double[][] cRows, int kc, int nc, double[] c,
            int ci, int ldc, int mr, boolean overwrite) {
        double[] c0 = cRows[0], c1 = cRows[1], c2 = cRows[2];
        double[] src = overwrite ? ZEROS : c;
        int stride = overwrite ? 0 : ldc;
        int from = overwrite ? 0 : ci;
        System.arraycopy(src, from, c0, 0, nc);
        if (mr > 1) {
            System.arraycopy(src, from + stride, c1, 0, nc);
        }
        if (mr > 2) {
            System.arraycopy(src, from + 2 * stride, c2, 0, nc);
        }
        for (int p = 0; p < kc; p += 3) {
            double[] b0 = bRows[p], b1 = bRows[p + 1], b2 = bRows[p + 2];
            int q = p * MR;
            double a00 = aPack[q], a10 = aPack[q + 1], a20 = aPack[q + 2];
            double a01 = aPack[q + 3], a11 = aPack[q + 4], a21 = aPack[q + 5];
            double a02 = aPack[q + 6], a12 = aPack[q + 7], a22 = aPack[q + 8];
            for (int j = 0; j < nc; j++) {
                double x0 = b0[j], x1 = b1[j], x2 = b2[j];
                c0[j] = Math.fma(a02, x2, Math.fma(a01, x1, Math.fma(a00, x0, c0[j])));
                c1[j] = Math.fma(a12, x2, Math.fma(a11, x1, Math.fma(a10, x0, c1[j])));
                c2[j] = Math.fma(a22, x2, Math.fma(a21, x1, Math.fma(a20, x0, c2[j])));
            }
        }
        System.arraycopy(c0, 0, c, ci, nc);
        if (mr > 1) {
            System.arraycopy(c1, 0, c, ci + ldc, nc);
        }
        if (mr > 2) {
            System.arraycopy(c2, 0, c, ci + 2 * ldc, nc);
        }
    }

    /**
     * Per-thread packing buffers: the blocked path's (about 1 MiB) are allocated once; the
     * transposition buffers of {@link #direct} grow to the largest size used.
     */
    private static final class Scratch {
        /** Largest transposition buffer kept per thread (64 Ki doubles, 512 KiB). */
        static final int KEEP_MAX = 1 << 16;
        final double[][] bRows = new double[KC + KU - 1][NC + ROW_PAD];
        final double[][] cRows = new double[MR][NC + ROW_PAD];
        final double[] aPack = new double[(KC + KU - 1) * MR];
        private double[] transposedA = new double[0];
        private double[] transposedB = new double[0];

        /** A buffer of at least {@code size} for op(A); kept for reuse up to {@link #KEEP_MAX}. */
        double[] transposeA(int size) {
            if (size > transposedA.length) {
                double[] fresh = new double[size];
                if (size > KEEP_MAX) {
                    return fresh;
                }
                transposedA = fresh;
            }
            return transposedA;
        }

        /** A buffer of at least {@code size} for op(B)ᵀ; kept for reuse up to {@link #KEEP_MAX}. */
        double[] transposeB(int size) {
            if (size > transposedB.length) {
                double[] fresh = new double[size];
                if (size > KEEP_MAX) {
                    return fresh;
                }
                transposedB = fresh;
            }
            return transposedB;
        }
    }
}
