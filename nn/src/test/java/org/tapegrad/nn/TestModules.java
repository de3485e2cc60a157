package org.tapegrad.nn;

import org.tapegrad.autograd.Tensor;

/** Small modules with fixed parameters, for tests that need no random initialisation. */
final class TestModules {
    private TestModules() {
    }

    /** {@code y = x·scale + shift}, elementwise over the last dimension; parameters {@code scale}, {@code shift}, buffer {@code calls}. */
    static final class Affine extends Module {
        final Tensor scale;
        final Tensor shift;
        final Tensor calls;

        Affine(double[] scale, double[] shift) {
            this.scale = registerParameter("scale", Tensor.of(scale, scale.length));
            this.shift = registerParameter("shift", Tensor.of(shift, shift.length));
            this.calls = registerIntegerBuffer("calls", Tensor.zeros(org.tapegrad.autograd.DType.FLOAT64));
        }

        Affine(int size) {
            this(ramp(size, 1.0), ramp(size, -0.5));
        }

        @Override
        protected Tensor compute(Tensor input) {
            return input.mul(scale).add(shift);
        }

        @Override
        protected String extraRepr() {
            return "size=" + scale.numel();
        }
    }

    /** Two named children in a fixed order, like a hand-written block ({@code conv1}, {@code act}, {@code conv2}). */
    static final class Block extends Module {
        final Affine first;
        final Affine second;

        Block(int size) {
            this.first = registerModule("first", new Affine(size));
            registerModule("act", new Tanh());
            this.second = registerModule("second", new Affine(size));
        }

        @Override
        protected Tensor compute(Tensor input) {
            Tensor x = first.forward(input);
            x = namedChildren().get("act").forward(x);
            return second.forward(x);
        }
    }

    /** A module that registers whatever a test asks for, to exercise registration checks. */
    static final class Open extends Module {
        Tensor parameter(String name, Tensor value) {
            return registerParameter(name, value);
        }

        Tensor buffer(String name, Tensor value) {
            return registerBuffer(name, value);
        }

        <M extends Module> M module(String name, M module) {
            return registerModule(name, module);
        }

        @Override
        protected Tensor compute(Tensor input) {
            return input;
        }
    }

    static double[] ramp(int n, double start) {
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = start + 0.25 * i;
        }
        return values;
    }
}
