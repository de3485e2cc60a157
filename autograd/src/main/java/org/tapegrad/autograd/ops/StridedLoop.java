package org.tapegrad.autograd.ops;

/**
 * Visits the elements of one or more equally shaped strided views row by row. Each operand is
 * described by its offset and strides into its own array; a broadcast operand simply has stride 0 in
 * the broadcast dimensions. Kernels are then written as tight loops over one row with a fixed stride
 * per operand, so there is one call per row, never one per element.
 *
 * <p>Adjacent dimensions that are laid out contiguously for every operand are merged first, so a
 * contiguous tensor is visited as a single row of {@code numel} elements.
 */
public final class StridedLoop {
    private StridedLoop() {
    }

    /**
     * The body of a loop: one row of {@code length} elements, operand {@code k} starting at
     * {@code offsets[k]} with stride {@code strides[k]}. The arrays are reused between rows: read them,
     * never keep or modify them.
     */
    @FunctionalInterface
    public interface RowBody {
        void row(int[] offsets, int[] strides, int length);
    }

    /**
     * Runs {@code body} once per row of {@code shape}.
     *
     * @param shape   the common shape of all operands (not modified)
     * @param offsets start offset of each operand (not modified)
     * @param strides per operand, its strides for {@code shape} (not modified)
     */
    public static void rows(int[] shape, int[] offsets, int[][] strides, RowBody body) {
        int operands = offsets.length;
        for (int size : shape) {
            if (size == 0) {
                return;
            }
        }
        // Coalesce dimensions: dims d-1 and d merge when, for every operand, stride[d-1] == stride[d] * size[d].
        int rank = shape.length;
        int[] dims = new int[Math.max(rank, 1)];
        int[][] st = new int[operands][Math.max(rank, 1)];
        int merged = 0;
        if (rank == 0) {
            dims[0] = 1;
            merged = 1;
        } else {
            dims[0] = shape[rank - 1];
            for (int k = 0; k < operands; k++) {
                st[k][0] = strides[k][rank - 1];
            }
            merged = 1;
            for (int d = rank - 2; d >= 0; d--) {
                boolean canMerge = true;
                for (int k = 0; k < operands; k++) {
                    if (strides[k][d] != st[k][merged - 1] * dims[merged - 1]) {
                        canMerge = false;
                        break;
                    }
                }
                if (canMerge || shape[d] == 1) {
                    dims[merged - 1] *= shape[d];
                    if (shape[d] == 1) {
                        continue;
                    }
                } else {
                    dims[merged] = shape[d];
                    for (int k = 0; k < operands; k++) {
                        st[k][merged] = strides[k][d];
                    }
                    merged++;
                }
            }
        }
        // dims[0] is now the innermost (row) dimension; dims[1..merged) the outer ones, innermost first.
        int rowLength = dims[0];
        int[] rowStrides = new int[operands];
        for (int k = 0; k < operands; k++) {
            rowStrides[k] = st[k][0];
        }
        int[] current = offsets.clone();
        if (merged == 1) {
            body.row(current, rowStrides, rowLength);
            return;
        }
        int[] counter = new int[merged];
        while (true) {
            body.row(current, rowStrides, rowLength);
            int d = 1;
            while (d < merged) {
                counter[d]++;
                for (int k = 0; k < operands; k++) {
                    current[k] += st[k][d];
                }
                if (counter[d] < dims[d]) {
                    break;
                }
                for (int k = 0; k < operands; k++) {
                    current[k] -= st[k][d] * dims[d];
                }
                counter[d] = 0;
                d++;
            }
            if (d == merged) {
                return;
            }
        }
    }

    /**
     * Copies a strided view into a new contiguous array in row-major order.
     *
     * @param src not modified
     */
    public static double[] gather(double[] src, int offset, int[] shape, int[] strides, int numel) {
        double[] dst = new double[numel];
        int[] position = {0};
        rows(shape, new int[] {offset}, new int[][] {strides}, (offs, rowStrides, n) -> {
            int s = offs[0];
            int stride = rowStrides[0];
            int p = position[0];
            if (stride == 1) {
                System.arraycopy(src, s, dst, p, n);
            } else {
                for (int i = 0; i < n; i++) {
                    dst[p + i] = src[s + i * stride];
                }
            }
            position[0] = p + n;
        });
        return dst;
    }
}
