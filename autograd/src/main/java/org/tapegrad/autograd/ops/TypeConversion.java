package org.tapegrad.autograd.ops;

import org.tapegrad.autograd.Autograd;
import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Node;
import org.tapegrad.autograd.Tensor;

/** Conversion between float32 and float64; the gradient is converted back to the input's type. */
public final class TypeConversion {
    private TypeConversion() {
    }

    /** {@code x} as {@code target}: {@code x} itself if it already has that type, else a converted copy (recorded). */
    public static Tensor to(Tensor x, DType target) {
        if (x.dtype() == target) {
            return x;
        }
        Tensor out = convert(x, target);
        if (Autograd.needsGrad(x)) {
            Autograd.record(out, new Node("to(" + target + ")", x) {
                @Override
                protected Tensor[] backward(Tensor g) {
                    return new Tensor[] {convert(g, x.dtype())};
                }
            });
        }
        return out;
    }

    /** A contiguous copy of {@code x} rounded to {@code target}; not recorded. */
    public static Tensor convert(Tensor x, DType target) {
        return Tensor.wrap(x.toDoubleArray(), target, x.shape());
    }
}
