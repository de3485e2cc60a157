package org.tapegrad.autograd;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.tapegrad.autograd.ops.Arithmetic;
import org.tapegrad.autograd.ops.Joining;
import org.tapegrad.autograd.ops.Kernels;
import org.tapegrad.autograd.ops.Matmul;
import org.tapegrad.autograd.ops.Pointwise;
import org.tapegrad.autograd.ops.Reductions;
import org.tapegrad.autograd.ops.Softmax;
import org.tapegrad.autograd.ops.StridedLoop;
import org.tapegrad.autograd.ops.TypeConversion;
import org.tapegrad.autograd.ops.ValuesAndIndices;
import org.tapegrad.autograd.ops.Views;

/**
 * An n-dimensional array of floating-point numbers that can record the operations applied to it.
 *
 * <h2>Layout</h2>
 * A tensor is a view of a {@link Storage}: element {@code (i0, …, ik)} lives at
 * {@code offset + Σ i_d · strides[d]} of the storage array. Views ({@link #reshape}, {@link #transpose},
 * {@link #permute}, {@link #expand}, …) share the storage and differ only in shape, strides and offset,
 * where PyTorch makes views; {@link #contiguous()} copies only when the layout is not already row-major.
 * A 0-d tensor (shape {@code []}) holds one element. See {@link DType} for how float32 is stored.
 *
 * <h2>Autograd</h2>
 * A tensor that {@linkplain #requiresGrad() requires grad} is either a <em>leaf</em> (created by the user,
 * {@link #gradFn()} null) or the output of a recorded operation. {@link #backward()} accumulates gradients
 * into the {@link #grad()} of the leaves, as PyTorch does. See {@link Autograd} for the algorithm.
 *
 * <p>This class holds the data, the autograd bookkeeping and one-line entry points to the operations; the
 * operations themselves (forward and backward side by side) live in {@code org.tapegrad.autograd.ops}.
 */
public final class Tensor {
    private final Storage storage;
    private final int[] shape;
    private final int[] strides;
    private final int offset;
    private final DType dtype;

    private boolean requiresGrad;
    private Node gradFn;
    private Tensor grad;
    private boolean retainsGrad;
    private List<UnaryOperator<Tensor>> hooks;
    private String name;

    private Tensor(Storage storage, int[] shape, int[] strides, int offset, DType dtype) {
        this.storage = storage;
        this.shape = shape;
        this.strides = strides;
        this.offset = offset;
        this.dtype = dtype;
        storage.addTensor();
    }

    // ------------------------------------------------------------------ factories

    /**
     * Wraps {@code data} as a contiguous tensor <em>without copying</em>; the tensor takes ownership of the
     * array. The values are rounded to {@code dtype} in place. Kernels use this to return their outputs.
     *
     * @param data modified (rounded to dtype); must not be used by the caller afterwards
     * @throws ShapeException if {@code data.length} is not the number of elements of {@code shape}
     */
    public static Tensor wrap(double[] data, DType dtype, int... shape) {
        int[] s = shape.clone();
        int n = Shapes.numel("tensor", s);
        if (data.length != n) {
            throw new ShapeException("tensor: " + data.length + " values cannot fill shape " + Shapes.format(s)
                    + " (" + n + " elements)");
        }
        Kernels.roundAll(dtype, data); // dtype.roundInPlace(data), split across threads when large
        return new Tensor(new Storage(data), s, Shapes.contiguousStrides(s), 0, dtype);
    }

    /**
     * Like {@link #wrap}, for kernels whose outputs are already values of {@code dtype}, so without the
     * rounding pass: a sign change, {@code max(x, 0)} or a selection of float32 inputs gives float32
     * values. The caller guarantees it; rounding again would change nothing but cost a pass over the data.
     *
     * @param data not modified, owned by the tensor from now on; every value must be representable in dtype
     * @throws ShapeException if {@code data.length} is not the number of elements of {@code shape}
     */
    public static Tensor wrapExact(double[] data, DType dtype, int... shape) {
        int[] s = shape.clone();
        int n = Shapes.numel("tensor", s);
        if (data.length != n) {
            throw new ShapeException("tensor: " + data.length + " values cannot fill shape " + Shapes.format(s)
                    + " (" + n + " elements)");
        }
        return new Tensor(new Storage(data), s, Shapes.contiguousStrides(s), 0, dtype);
    }

    /**
     * Wraps {@code values} as a contiguous float32 tensor <em>without copying</em>: the output of a float32
     * kernel. The tensor keeps the floats and makes a double copy only when a double kernel asks for
     * {@link #storageArray()}.
     *
     * @param values owned by the tensor from now on, which may overwrite it (in-place changes)
     * @throws ShapeException if {@code values.length} is not the number of elements of {@code shape}
     */
    public static Tensor wrapFloats(float[] values, int... shape) {
        int[] s = shape.clone();
        int n = Shapes.numel("tensor", s);
        if (values.length != n) {
            throw new ShapeException("tensor: " + values.length + " values cannot fill shape " + Shapes.format(s)
                    + " (" + n + " elements)");
        }
        return new Tensor(Storage.ofFloats(values), s, Shapes.contiguousStrides(s), 0, DType.FLOAT32);
    }

    /** A float64 tensor holding a copy of {@code data}, with the given shape. */
    public static Tensor of(double[] data, int... shape) {
        return wrap(data.clone(), DType.FLOAT64, shape);
    }

    /** A float32 tensor holding a copy of {@code data}, with the given shape. */
    public static Tensor of(float[] data, int... shape) {
        double[] d = new double[data.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = data[i];
        }
        return wrap(d, DType.FLOAT32, shape);
    }

    /** A tensor of type {@code dtype} holding a copy of {@code data} (rounded to the type). */
    public static Tensor of(DType dtype, double[] data, int... shape) {
        return wrap(data.clone(), dtype, shape);
    }

    /** A 0-d tensor holding {@code value}. */
    public static Tensor scalar(double value, DType dtype) {
        return wrap(new double[] {value}, dtype);
    }

    /** A 0-d float32 tensor holding {@code value}. */
    public static Tensor scalar(double value) {
        return scalar(value, DType.defaultType());
    }

    /** Float32 zeros. */
    public static Tensor zeros(int... shape) {
        return full(0.0, DType.defaultType(), shape);
    }

    /** Zeros of type {@code dtype}. */
    public static Tensor zeros(DType dtype, int... shape) {
        return full(0.0, dtype, shape);
    }

    /** Float32 ones. */
    public static Tensor ones(int... shape) {
        return full(1.0, DType.defaultType(), shape);
    }

    /** Ones of type {@code dtype}. */
    public static Tensor ones(DType dtype, int... shape) {
        return full(1.0, dtype, shape);
    }

    /** A tensor of type {@code dtype} with every element equal to {@code value}. */
    public static Tensor full(double value, DType dtype, int... shape) {
        double[] data = new double[Shapes.numel("full", shape)];
        if (value != 0.0) {
            Arrays.fill(data, value);
        }
        return wrap(data, dtype, shape);
    }

    /** Uninitialised memory in PyTorch; zeros here (Java has no uninitialised arrays). */
    public static Tensor empty(DType dtype, int... shape) {
        return zeros(dtype, shape);
    }

    /** A tensor like this one (shape and type), filled with zeros. */
    public Tensor zerosLike() {
        return zeros(dtype, shape);
    }

    /** A tensor like this one (shape and type), filled with ones. */
    public Tensor onesLike() {
        return ones(dtype, shape);
    }

    /** A tensor like this one (shape and type); zeros here, see {@link #empty}. */
    public Tensor emptyLike() {
        return zeros(dtype, shape);
    }

    /** {@code [0, 1, …, end-1]} as float32. */
    public static Tensor arange(int end) {
        return arange(0, end, 1, DType.defaultType());
    }

    /**
     * {@code [start, start+step, …]} up to but excluding {@code end}, as {@code torch.arange}.
     *
     * @throws IllegalArgumentException if step is 0 or has the wrong sign for the range
     */
    public static Tensor arange(double start, double end, double step, DType dtype) {
        if (step == 0 || !Double.isFinite(step) || (end - start) * step < 0) {
            throw new IllegalArgumentException("arange: upper bound and larger bound inconsistent with step sign "
                    + "(start " + start + ", end " + end + ", step " + step + ")");
        }
        long n = (long) Math.ceil((end - start) / step);
        if (n > Shapes.MAX_ELEMENTS) {
            throw new IllegalArgumentException("arange: " + n + " elements is too many");
        }
        double[] data = new double[(int) n];
        for (int i = 0; i < n; i++) {
            data[i] = start + i * step;
        }
        return wrap(data, dtype, (int) n);
    }

    /** The n×n identity matrix. */
    public static Tensor eye(int n, DType dtype) {
        return eye(n, n, dtype);
    }

    /** The rows×cols matrix with ones on the main diagonal. */
    public static Tensor eye(int rows, int cols, DType dtype) {
        double[] data = new double[Shapes.numel("eye", new int[] {rows, cols})];
        for (int i = 0; i < Math.min(rows, cols); i++) {
            data[i * cols + i] = 1.0;
        }
        return wrap(data, dtype, rows, cols);
    }

    /** Standard normal draws from the default generator, float32. */
    public static Tensor randn(int... shape) {
        return randn(Generator.defaultGenerator(), DType.defaultType(), shape);
    }

    /** Standard normal draws N(0, 1). */
    public static Tensor randn(Generator generator, DType dtype, int... shape) {
        double[] data = new double[Shapes.numel("randn", shape)];
        for (int i = 0; i < data.length; i++) {
            data[i] = generator.nextGaussian();
        }
        return wrap(data, dtype, shape);
    }

    /** Uniform draws from [0, 1) from the default generator, float32. */
    public static Tensor rand(int... shape) {
        return rand(Generator.defaultGenerator(), DType.defaultType(), shape);
    }

    /** Uniform draws from [0, 1). */
    public static Tensor rand(Generator generator, DType dtype, int... shape) {
        double[] data = new double[Shapes.numel("rand", shape)];
        for (int i = 0; i < data.length; i++) {
            data[i] = generator.nextDouble();
        }
        if (dtype == DType.FLOAT32) {
            // (float) rounding could turn 0.99999999 into 1.0; keep the interval half-open.
            for (int i = 0; i < data.length; i++) {
                data[i] = Math.min((float) data[i], Math.nextDown(1.0f));
            }
        }
        return wrap(data, dtype, shape);
    }

    /** Integers drawn uniformly from [low, high), stored exactly as floating-point values. */
    public static Tensor randint(Generator generator, long low, long high, DType dtype, int... shape) {
        if (high <= low) {
            throw new IllegalArgumentException("randint: expected low < high, but got low = " + low
                    + " and high = " + high);
        }
        double[] data = new double[Shapes.numel("randint", shape)];
        for (int i = 0; i < data.length; i++) {
            data[i] = generator.nextLong(low, high);
        }
        return wrap(data, dtype, shape);
    }

    /**
     * Class indices (for example cross-entropy targets) as a float64 tensor. tapegrad tensors are
     * floating point; integers up to 2^53 are stored exactly.
     */
    public static Tensor ofIndices(long[] indices, int... shape) {
        double[] data = new double[indices.length];
        for (int i = 0; i < data.length; i++) {
            data[i] = indices[i];
        }
        return wrap(data, DType.FLOAT64, shape);
    }

    // ------------------------------------------------------------------ metadata and values

    /** The sizes of the dimensions (a copy). */
    public int[] shape() {
        return shape.clone();
    }

    /** The size of dimension {@code dim} (negative counts from the end). */
    public int size(int dim) {
        if (shape.length == 0) {
            throw new IndexOutOfBoundsException("size: dimension specified as " + dim + " but the tensor has no "
                    + "dimensions (shape [])");
        }
        return shape[Shapes.normalizeDim("size", dim, shape.length)];
    }

    /** The number of dimensions; 0 for a scalar. */
    public int dim() {
        return shape.length;
    }

    /** The number of elements. */
    public int numel() {
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        return n;
    }

    /** The element type. */
    public DType dtype() {
        return dtype;
    }

    /** The value of a single-element tensor. */
    public double item() {
        if (numel() != 1) {
            throw new IllegalStateException("item: a tensor with " + numel() + " elements (shape "
                    + Shapes.format(shape) + ") cannot be converted to a scalar");
        }
        return storage.get(offset);
    }

    /** The element at the given index (one index per dimension). */
    public double get(int... index) {
        return storage.get(offsetOf("get", index));
    }

    /** The elements in row-major order, as a new array. */
    public double[] toDoubleArray() {
        if (isContiguous() && storage.hasFloats()) {
            float[] f = storage.floats();
            double[] d = new double[numel()];
            for (int i = 0; i < d.length; i++) {
                d[i] = f[offset + i];
            }
            return d;
        }
        if (isContiguous()) {
            return Arrays.copyOfRange(storage.doubles(), offset, offset + numel());
        }
        return StridedLoop.gather(storage.doubles(), offset, shape, strides, numel());
    }

    /** The elements in row-major order, rounded to float. */
    public float[] toFloatArray() {
        if (isContiguous() && storage.hasFloats()) {
            return Arrays.copyOfRange(storage.floats(), offset, offset + numel());
        }
        double[] d = toDoubleArray();
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    /** An optional label shown in tape listings and Graphviz output. */
    public String name() {
        return name;
    }

    /** Sets the label shown in tape listings and Graphviz output; returns this tensor. */
    public Tensor named(String label) {
        this.name = label;
        return this;
    }

    @Override
    public String toString() {
        return TensorFormatter.format(this);
    }

    // ------------------------------------------------------------------ kernel access

    /**
     * The storage array itself, not a copy. Kernels read it together with {@link #storageOffset()} and
     * {@link #strides()}; only the creator of a fresh tensor made from doubles ({@link #wrap},
     * {@link #wrapExact}) may write to it without more ado. Any other in-place change must bump the
     * storage's version, or {@link #storageFloats()} would go stale: for a tensor made from floats
     * ({@link #wrapFloats}) the first call makes the array, exactly, and keeps it, and its floats stay
     * current until the version changes.
     */
    public double[] storageArray() {
        return storage.doubles();
    }

    /**
     * Whether {@link #storageFloats()} costs nothing: the storage holds its current values as floats (a
     * float32 kernel's output, or a float copy already made). Float32 kernels that have float loops read
     * floats when this holds and the tensor is its whole storage ({@code Kernels.isWholeFloats}); views
     * are read through {@link #storageArray()}.
     */
    public boolean hasStorageFloats() {
        return storage.hasFloats();
    }

    /**
     * The storage array as {@code float}s, for kernels that gain from reading a float32 operand in
     * single precision: half the bytes of {@link #storageArray()} to stream, and nothing to convert when
     * packing single-precision panels. Indexed like {@link #storageArray()}. Made on the first call and
     * kept, with the storage, until the storage is next modified in place, so a fixed weight is
     * converted once and a trained one once per optimiser step; it costs 4 bytes per element of the
     * storage while kept. Read-only, and valid only until the next in-place change.
     *
     * @throws IllegalStateException if this tensor is not float32
     */
    public float[] storageFloats() {
        if (dtype != DType.FLOAT32) {
            throw new IllegalStateException("storageFloats: only float32 tensors have a float copy, this one is "
                    + dtype + " (shape " + Shapes.format(shape) + ")");
        }
        return storage.floats();
    }

    /** The number of elements of the storage (of all its views), whichever way it holds them. */
    public int storageSize() {
        return storage.length();
    }

    /** Offset of element (0, …, 0) in {@link #storageArray()}. */
    public int storageOffset() {
        return offset;
    }

    /** The strides of the dimensions, in elements (a copy). */
    public int[] strides() {
        return strides.clone();
    }

    /** Whether the elements lie in row-major order without gaps from {@link #storageOffset()}. */
    public boolean isContiguous() {
        int expected = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] != 1 && strides[d] != expected) {
                return false;
            }
            expected *= shape[d];
        }
        return true;
    }

    /**
     * A raw view of this tensor's storage with another shape, strides and offset. Nothing is recorded on
     * the tape: view operations call this and record their own node.
     *
     * @throws IllegalArgumentException if the view would reach outside the storage
     */
    public Tensor asStrided(int[] newShape, int[] newStrides, int newOffset) {
        if (newShape.length != newStrides.length) {
            throw new IllegalArgumentException("asStrided: shape " + Shapes.format(newShape) + " and strides "
                    + Arrays.toString(newStrides) + " have different lengths");
        }
        long lo = newOffset;
        long hi = newOffset;
        boolean empty = false;
        for (int d = 0; d < newShape.length; d++) {
            if (newShape[d] == 0) {
                empty = true;
            }
            long extent = (long) (newShape[d] - 1) * newStrides[d];
            if (extent < 0) {
                lo += extent;
            } else {
                hi += extent;
            }
        }
        if (!empty && (lo < 0 || hi >= storage.length())) {
            throw new IllegalArgumentException("asStrided: view of shape " + Shapes.format(newShape) + " with strides "
                    + Arrays.toString(newStrides) + " at offset " + newOffset + " reaches outside a storage of "
                    + storage.length() + " elements");
        }
        return new Tensor(storage, newShape.clone(), newStrides.clone(), newOffset, dtype);
    }

    Storage storage() {
        return storage;
    }

    /** Whether this tensor and {@code other} are views of the same memory. */
    public boolean sharesStorageWith(Tensor other) {
        return storage == other.storage;
    }

    /** The version counter of the storage: how many in-place changes it has seen. */
    public int version() {
        return storage.version();
    }

    private int offsetOf(String op, int[] index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException(op + ": " + index.length + " indices given for a tensor of shape "
                    + Shapes.format(shape));
        }
        int o = offset;
        for (int d = 0; d < index.length; d++) {
            if (index[d] < 0 || index[d] >= shape[d]) {
                throw new IndexOutOfBoundsException(op + ": index " + index[d] + " is out of bounds for dimension "
                        + d + " with size " + shape[d]);
            }
            o += index[d] * strides[d];
        }
        return o;
    }

    // ------------------------------------------------------------------ autograd state

    /** Whether gradients are computed for this tensor. */
    public boolean requiresGrad() {
        return requiresGrad;
    }

    /**
     * Marks a leaf tensor as requiring grad (or not); returns this tensor.
     *
     * @throws IllegalStateException on a non-leaf tensor, whose flag follows from its inputs
     */
    public Tensor requiresGrad(boolean flag) {
        if (gradFn != null) {
            throw new IllegalStateException("requiresGrad: you can only change requiresGrad flags of leaf tensors; "
                    + "this tensor of shape " + Shapes.format(shape) + " was produced by " + gradFn.name()
                    + ". Use detach() to get a leaf.");
        }
        this.requiresGrad = flag;
        return this;
    }

    /** Whether this tensor was created by the user rather than by a recorded operation. */
    public boolean isLeaf() {
        return gradFn == null;
    }

    /** The node of the operation that produced this tensor, or null for a leaf. */
    public Node gradFn() {
        return gradFn;
    }

    /** The accumulated gradient: set on leaves by backward, and on non-leaves that {@link #retainGrad()}. */
    public Tensor grad() {
        return grad;
    }

    /** Replaces the gradient (null clears it). */
    public void setGrad(Tensor newGrad) {
        if (newGrad != null && !Arrays.equals(newGrad.shape, shape)) {
            throw new ShapeException("setGrad: assigned grad has shape " + Shapes.format(newGrad.shape)
                    + " but the tensor has shape " + Shapes.format(shape));
        }
        if (newGrad != null && newGrad.dtype != dtype) {
            throw new IllegalArgumentException("setGrad: assigned grad has dtype " + newGrad.dtype
                    + " but the tensor has dtype " + dtype);
        }
        this.grad = newGrad;
    }

    /** Clears the gradient ({@code grad = null}), PyTorch's default {@code zero_grad(set_to_none=True)}. */
    public void zeroGrad() {
        this.grad = null;
    }

    /** Asks backward to keep the gradient of this non-leaf tensor in {@link #grad()}. */
    public Tensor retainGrad() {
        if (!requiresGrad) {
            throw new IllegalStateException("retainGrad: can't retain the grad of a tensor that does not require grad");
        }
        if (gradFn != null) {
            retainsGrad = true;
        }
        return this;
    }

    /** Whether {@link #retainGrad()} was called on this non-leaf tensor. */
    public boolean retainsGrad() {
        return retainsGrad;
    }

    /**
     * Registers a hook that sees this tensor's gradient during backward before it is used. The hook may
     * return a replacement gradient (same shape) or null to keep it unchanged.
     */
    public HookHandle registerHook(UnaryOperator<Tensor> hook) {
        if (!requiresGrad) {
            throw new IllegalStateException("registerHook: cannot register a hook on a tensor that doesn't require grad");
        }
        if (hooks == null) {
            hooks = new ArrayList<>(1);
        }
        hooks.add(hook);
        return () -> hooks.remove(hook);
    }

    /** Computes gradients of this single-element tensor with respect to the leaves; see {@link Autograd}. */
    public void backward() {
        Autograd.backward(this, null, false);
    }

    /** Backward with an explicit upstream gradient of this tensor's shape. */
    public void backward(Tensor gradient) {
        Autograd.backward(this, gradient, false);
    }

    /** Backward; with {@code retainGraph} the saved tensors are kept so that backward can run again. */
    public void backward(Tensor gradient, boolean retainGraph) {
        Autograd.backward(this, gradient, retainGraph);
    }

    /** A new leaf sharing this tensor's data, cut off from the tape. */
    public Tensor detach() {
        return new Tensor(storage, shape, strides, offset, dtype);
    }

    void attachGradFn(Node node) {
        this.gradFn = node;
        this.requiresGrad = true;
    }

    boolean hasHooks() {
        return hooks != null && !hooks.isEmpty();
    }

    /**
     * Whether this tensor object is the only one ever made over its storage and that storage is newer
     * than serial {@code serial}: created during a backward pass that began then, by a backward rule,
     * and seen by nothing but this object.
     */
    boolean isSoleTensorOfStorageNewerThan(long serial) {
        return storage.tensorCount() == 1 && storage.createdAfter(serial);
    }

    /**
     * Whether this tensor and {@code other} are the only two tensor objects ever made over one storage:
     * a view (a reshape, say) that a backward rule made of its incoming gradient, and nothing else.
     */
    boolean isOnlyOtherTensorOver(Tensor other) {
        return other != null && other != this && storage == other.storage && storage.tensorCount() == 2;
    }

    Tensor runHooks(Tensor gradient) {
        if (hooks == null) {
            return gradient;
        }
        Tensor g = gradient;
        for (UnaryOperator<Tensor> hook : List.copyOf(hooks)) {
            Tensor replaced = hook.apply(g);
            if (replaced != null) {
                if (!Arrays.equals(replaced.shape, shape)) {
                    throw new ShapeException("hook: returned a gradient of shape " + Shapes.format(replaced.shape)
                            + " for a tensor of shape " + Shapes.format(shape));
                }
                g = replaced;
            }
        }
        return g;
    }

    /**
     * Adds {@code gradient} to {@link #grad()}. The first gradient is copied, unless {@code owned}: then
     * nothing else refers to it and it becomes {@code grad} itself (PyTorch likewise steals a gradient
     * nobody else holds), which saves a copy of every weight gradient per step.
     */
    void accumulateGrad(Tensor gradient, boolean owned) {
        Tensor g = gradient.dtype() == dtype ? gradient : TypeConversion.convert(gradient, dtype);
        if (grad == null) {
            grad = owned || g != gradient ? g : g.copy();
        } else {
            grad.addInPlace(g);
        }
    }

    // ------------------------------------------------------------------ in-place updates

    private void checkInPlace(String op) {
        if (requiresGrad && GradMode.isEnabled()) {
            if (gradFn == null) {
                throw new IllegalStateException(op + ": a leaf tensor of shape " + Shapes.format(shape)
                        + " that requires grad is being used in an in-place operation; wrap the update in "
                        + "GradMode.noGrad() or use an out-of-place operation");
            }
            throw new IllegalStateException(op + ": in-place operations on a tensor of shape " + Shapes.format(shape)
                    + " that requires grad are not recorded on the tape; use an out-of-place operation");
        }
    }

    private Tensor inPlace(String op, Arithmetic.Kernel kernel, Tensor other) {
        checkInPlace(op);
        for (int d = 0; d < shape.length; d++) {
            if (strides[d] == 0 && shape[d] > 1) {
                throw new IllegalArgumentException(op + ": unsupported operation: more than one element of the "
                        + "written-to tensor (an expanded view of shape " + Shapes.format(shape)
                        + ") refers to a single memory location; call contiguous() first");
            }
        }
        Arithmetic.applyInPlace(op, kernel, this, other);
        storage.bumpVersion();
        return this;
    }

    /** {@code this += other} (other broadcast to this shape); returns this. */
    public Tensor addInPlace(Tensor other) {
        return inPlace("addInPlace", Arithmetic.Kernel.ADD, other);
    }

    /** {@code this += alpha · other}, as PyTorch's {@code add_(other, alpha=alpha)}; returns this. */
    public Tensor addInPlace(Tensor other, double alpha) {
        return alpha == 1.0 ? addInPlace(other) : addInPlace(other.mul(alpha));
    }

    /** {@code this += value}; returns this. */
    public Tensor addInPlace(double value) {
        return addInPlace(scalar(value, dtype));
    }

    /** {@code this -= other}; returns this. */
    public Tensor subInPlace(Tensor other) {
        return inPlace("subInPlace", Arithmetic.Kernel.SUB, other);
    }

    /** {@code this *= other} (other broadcast to this shape); returns this. */
    public Tensor mulInPlace(Tensor other) {
        return inPlace("mulInPlace", Arithmetic.Kernel.MUL, other);
    }

    /** {@code this *= value}; returns this. */
    public Tensor mulInPlace(double value) {
        return mulInPlace(scalar(value, dtype));
    }

    /** {@code this /= other}; returns this. */
    public Tensor divInPlace(Tensor other) {
        return inPlace("divInPlace", Arithmetic.Kernel.DIV, other);
    }

    /** Copies {@code source} (broadcast to this shape, converted to this type) into this tensor; returns this. */
    public Tensor copyFrom(Tensor source) {
        return inPlace("copyFrom", Arithmetic.Kernel.SECOND, source.dtype == dtype ? source
                : TypeConversion.convert(source, dtype));
    }

    /** Sets every element to {@code value}; returns this. */
    public Tensor fill(double value) {
        return inPlace("fill", Arithmetic.Kernel.SECOND, scalar(value, dtype));
    }

    /** Sets every element to 0; returns this. */
    public Tensor zero() {
        return fill(0.0);
    }

    // ------------------------------------------------------------------ copies and types

    /** A contiguous copy that does not share memory, not recorded on the tape. */
    public Tensor copy() {
        return wrapExact(toDoubleArray(), dtype, shape);
    }

    /** A contiguous copy, recorded on the tape (gradient passes through unchanged), like {@code clone()}. */
    public Tensor cloneTensor() {
        return Views.clone(this);
    }

    /** This tensor if already row-major, else a row-major copy (recorded on the tape). */
    public Tensor contiguous() {
        return Views.contiguous(this);
    }

    /** This tensor converted to {@code target} (recorded; the gradient is converted back). */
    public Tensor to(DType target) {
        return TypeConversion.to(this, target);
    }

    // ------------------------------------------------------------------ arithmetic (with broadcasting)

    public Tensor add(Tensor other) {
        return Arithmetic.add(this, other);
    }

    public Tensor add(double value) {
        return Arithmetic.add(this, scalar(value, dtype));
    }

    public Tensor sub(Tensor other) {
        return Arithmetic.sub(this, other);
    }

    public Tensor sub(double value) {
        return Arithmetic.sub(this, scalar(value, dtype));
    }

    public Tensor mul(Tensor other) {
        return Arithmetic.mul(this, other);
    }

    public Tensor mul(double value) {
        return Arithmetic.mul(this, scalar(value, dtype));
    }

    public Tensor div(Tensor other) {
        return Arithmetic.div(this, other);
    }

    public Tensor div(double value) {
        return Arithmetic.div(this, scalar(value, dtype));
    }

    // ------------------------------------------------------------------ pointwise functions

    public Tensor neg() {
        return Pointwise.neg(this);
    }

    /** {@code x^exponent} elementwise, for a constant exponent. */
    public Tensor pow(double exponent) {
        return Pointwise.pow(this, exponent);
    }

    public Tensor exp() {
        return Pointwise.exp(this);
    }

    public Tensor log() {
        return Pointwise.log(this);
    }

    public Tensor sqrt() {
        return Pointwise.sqrt(this);
    }

    public Tensor abs() {
        return Pointwise.abs(this);
    }

    /** max(x, 0); its gradient at exactly 0 is 0, as in PyTorch. */
    public Tensor relu() {
        return Pointwise.relu(this);
    }

    /** x for x > 0, slope·x otherwise. */
    public Tensor leakyRelu(double negativeSlope) {
        return Pointwise.leakyRelu(this, negativeSlope);
    }

    public Tensor tanh() {
        return Pointwise.tanh(this);
    }

    public Tensor sigmoid() {
        return Pointwise.sigmoid(this);
    }

    // ------------------------------------------------------------------ linear algebra

    /** Matrix product with PyTorch's {@code matmul} semantics (1-D, 2-D and batched operands). */
    public Tensor matmul(Tensor other) {
        return Matmul.matmul(this, other);
    }

    /** The transpose of a tensor of at most 2 dimensions (a view). */
    public Tensor t() {
        return Views.t(this);
    }

    // ------------------------------------------------------------------ reductions

    /** Sum of all elements (0-d). */
    public Tensor sum() {
        return Reductions.sum(this, null, false);
    }

    /** Sum over the given dimensions. */
    public Tensor sum(int[] dims, boolean keepDim) {
        return Reductions.sum(this, dims, keepDim);
    }

    /** Sum over one dimension. */
    public Tensor sum(int dim, boolean keepDim) {
        return Reductions.sum(this, new int[] {dim}, keepDim);
    }

    /** Mean of all elements (0-d). */
    public Tensor mean() {
        return Reductions.mean(this, null, false);
    }

    public Tensor mean(int[] dims, boolean keepDim) {
        return Reductions.mean(this, dims, keepDim);
    }

    public Tensor mean(int dim, boolean keepDim) {
        return Reductions.mean(this, new int[] {dim}, keepDim);
    }

    /** Unbiased variance of all elements (correction 1), as {@code torch.var}. */
    public Tensor var() {
        return Reductions.var(this, null, 1, false);
    }

    /** Variance over {@code dims} (null: all) with {@code correction} (0 biased, 1 unbiased). */
    public Tensor var(int[] dims, int correction, boolean keepDim) {
        return Reductions.var(this, dims, correction, keepDim);
    }

    /** Unbiased standard deviation of all elements. */
    public Tensor std() {
        return Reductions.std(this, null, 1, false);
    }

    public Tensor std(int[] dims, int correction, boolean keepDim) {
        return Reductions.std(this, dims, correction, keepDim);
    }

    /** Largest element of all (0-d). */
    public Tensor max() {
        return Reductions.maxAll(this);
    }

    /** Maximum over a dimension, with the index of the (first) maximum. */
    public ValuesAndIndices max(int dim, boolean keepDim) {
        return Reductions.max(this, dim, keepDim);
    }

    /** Smallest element of all (0-d). */
    public Tensor min() {
        return Reductions.minAll(this);
    }

    /** Minimum over a dimension, with the index of the (first) minimum. */
    public ValuesAndIndices min(int dim, boolean keepDim) {
        return Reductions.min(this, dim, keepDim);
    }

    /** Index of the (first) maximum over a dimension, as exact integers in a float64 tensor. */
    public Tensor argmax(int dim, boolean keepDim) {
        return Reductions.max(this, dim, keepDim).indices();
    }

    public Tensor softmax(int dim) {
        return Softmax.softmax(this, dim);
    }

    public Tensor logSoftmax(int dim) {
        return Softmax.logSoftmax(this, dim);
    }

    // ------------------------------------------------------------------ views and shape

    /** The same elements with another shape; a view when the layout allows, else a copy. One size may be -1. */
    public Tensor reshape(int... newShape) {
        return Views.reshape(this, newShape);
    }

    /** A view with another shape; fails if the layout does not allow one (then use {@link #reshape}). */
    public Tensor view(int... newShape) {
        return Views.view(this, newShape);
    }

    /** Swaps two dimensions (a view). */
    public Tensor transpose(int dim0, int dim1) {
        return Views.transpose(this, dim0, dim1);
    }

    /** Reorders the dimensions (a view): result dimension i is input dimension {@code order[i]}. */
    public Tensor permute(int... order) {
        return Views.permute(this, order);
    }

    /** Broadcasts to a larger shape without copying (a view with stride 0); -1 keeps a size. */
    public Tensor expand(int... newShape) {
        return Views.expand(this, newShape);
    }

    /** Removes every dimension of size 1 (a view). */
    public Tensor squeeze() {
        return Views.squeeze(this);
    }

    /** Removes dimension {@code dim} if its size is 1 (a view). */
    public Tensor squeeze(int dim) {
        return Views.squeeze(this, dim);
    }

    /** Inserts a dimension of size 1 at {@code dim} (a view). */
    public Tensor unsqueeze(int dim) {
        return Views.unsqueeze(this, dim);
    }

    /** Flattens every dimension into one. */
    public Tensor flatten() {
        return Views.flatten(this, 0, -1);
    }

    /** Flattens dimensions {@code startDim..endDim} into one. */
    public Tensor flatten(int startDim, int endDim) {
        return Views.flatten(this, startDim, endDim);
    }

    /** The slice {@code [start, start + length)} of dimension {@code dim} (a view). */
    public Tensor narrow(int dim, int start, int length) {
        return Views.narrow(this, dim, start, length);
    }

    /** Concatenates tensors along an existing dimension. */
    public static Tensor cat(List<Tensor> tensors, int dim) {
        return Joining.cat(tensors, dim);
    }

    /** Stacks equally shaped tensors along a new dimension. */
    public static Tensor stack(List<Tensor> tensors, int dim) {
        return Joining.stack(tensors, dim);
    }
}
