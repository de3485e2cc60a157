package org.tapegrad.examples.conformance;

import java.util.List;
import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Tensor;
import org.tapegrad.autograd.functional.Functional;
import org.tapegrad.autograd.functional.Reduction;

/** The families of the layer operations: convolution, pooling, batch normalisation, cross entropy. */
final class LayerFamilies {
    private LayerFamilies() {
    }

    static List<CaseFamily> all() {
        return List.of(new Conv2d(), new Pool("max_pool2d"), new Pool("avg_pool2d"), new BatchNorm2d(),
                new CrossEntropy());
    }

    /** {@code conv2d_*}: {@code conv2d(x, w, b?)} with stride, padding and dilation pairs and groups. */
    private static final class Conv2d extends PrefixFamily {
        Conv2d() {
            super("conv2d");
        }

        @Override
        public void check(ReferenceCase c, CaseReport report) {
            int[] stride = c.ints("stride");
            int[] padding = c.ints("padding");
            int[] dilation = c.ints("dilation");
            int groups = c.integer("groups");
            if (c.has("b")) {
                GradientCheck.run(c, report,
                        in -> Functional.conv2d(in[0], in[1], in[2], stride, padding, dilation, groups), "x", "w", "b");
            } else {
                GradientCheck.run(c, report,
                        in -> Functional.conv2d(in[0], in[1], null, stride, padding, dilation, groups), "x", "w");
            }
        }
    }

    /** {@code max_pool2d_*}, {@code avg_pool2d_*}: square kernel, stride and padding given as 0-d arrays. */
    private static final class Pool implements CaseFamily {
        private final String kind;

        Pool(String kind) {
            this.kind = kind;
        }

        @Override
        public String id() {
            return kind;
        }

        @Override
        public boolean handles(String caseName) {
            return CaseFamily.matches(caseName, kind);
        }

        @Override
        public void check(ReferenceCase c, CaseReport report) {
            int k = c.integer("kernel_size");
            int s = c.integer("stride");
            int p = c.integer("padding");
            int[] kernel = {k, k};
            int[] stride = {s, s};
            int[] padding = {p, p};
            boolean max = kind.equals("max_pool2d");
            GradientCheck.run(c, report, in -> max ? Functional.maxPool2d(in[0], kernel, stride, padding)
                    : Functional.avgPool2d(in[0], kernel, stride, padding), "x");
        }
    }

    /**
     * {@code batchnorm2d_*}: training steps {@code s = 0, 1, …} (running statistics carried over), then
     * one eval step. A NaN momentum means None: the cumulative average, factor 1/(steps so far).
     */
    private static final class BatchNorm2d extends PrefixFamily {
        BatchNorm2d() {
            super("batchnorm2d");
        }

        @Override
        public void check(ReferenceCase c, CaseReport report) {
            double momentum = c.scalar("momentum");
            double eps = c.scalar("eps");
            boolean affine = c.flag("affine");
            Tensor runningMean = c.tensor("running_mean0");
            Tensor runningVar = c.tensor("running_var0");
            for (int step = 0; c.has("x" + step); step++) {
                double factor = Double.isNaN(momentum) ? 1.0 / (step + 1) : momentum;
                Tensor weight = affine ? c.tensor("weight").requiresGrad(true) : null;
                Tensor bias = affine ? c.tensor("bias").requiresGrad(true) : null;
                Tensor x = c.tensor("x" + step).requiresGrad(true);
                Tensor out = Functional.batchNorm(x, runningMean, runningVar, weight, bias, true, factor, eps);
                report.check("out" + step, out);
                out.backward(c.tensor("g" + step));
                report.check("dx" + step, x.grad());
                if (affine) {
                    report.check("dweight" + step, weight.grad());
                    report.check("dbias" + step, bias.grad());
                }
                report.check("running_mean" + (step + 1), runningMean);
                report.check("running_var" + (step + 1), runningVar);
            }
            Tensor weight = affine ? c.tensor("weight").requiresGrad(true) : null;
            Tensor bias = affine ? c.tensor("bias").requiresGrad(true) : null;
            Tensor x = c.tensor("x_eval").requiresGrad(true);
            Tensor out = Functional.batchNorm(x, runningMean, runningVar, weight, bias, false, 0.0, eps);
            report.check("out_eval", out);
            out.backward(c.tensor("g_eval"));
            report.check("dx_eval", x.grad());
        }
    }

    /** {@code cross_entropy_*}: logits (N, C, …), integer targets, optional weight, reduction 0/1/2. */
    private static final class CrossEntropy extends PrefixFamily {
        CrossEntropy() {
            super("cross_entropy");
        }

        @Override
        public void check(ReferenceCase c, CaseReport report) {
            Tensor target = c.tensor("target", DType.FLOAT64);
            Tensor weight = c.has("weight") ? c.tensor("weight") : null;
            int ignoreIndex = c.integer("ignore_index");
            double smoothing = c.scalar("label_smoothing");
            Reduction reduction = switch (c.integer("reduction")) {
                case 0 -> Reduction.NONE;
                case 1 -> Reduction.MEAN;
                case 2 -> Reduction.SUM;
                default -> throw new IllegalArgumentException("case " + c.name() + ": unknown reduction code "
                        + c.integer("reduction"));
            };
            Tensor logits = c.tensor("logits").requiresGrad(true);
            Tensor out = Functional.crossEntropy(logits, target, weight, ignoreIndex, reduction, smoothing);
            report.check("out", out);
            out.backward(c.tensor("g"));
            report.check("dlogits", logits.grad());
        }
    }
}
