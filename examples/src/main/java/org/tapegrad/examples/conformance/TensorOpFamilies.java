package org.tapegrad.examples.conformance;

import java.util.List;
import java.util.function.Function;
import org.tapegrad.autograd.Tensor;
import org.tapegrad.autograd.ops.Matmul;

/** The families of the core tensor operations (matmul, linear, broadcasting, reductions, unary, softmax). */
final class TensorOpFamilies {
    private TensorOpFamilies() {
    }

    static List<CaseFamily> all() {
        return List.of(
                exact("matmul_2d", in -> in[0].matmul(in[1]), "a", "b"),
                exact("matvec", in -> in[0].matmul(in[1]), "a", "x"),
                exact("transpose_matmul", in -> in[0].t().matmul(in[1]).reshape(-1), "x", "y"),
                exact("linear", in -> Matmul.linear(in[0], in[1], in[2]), "x", "w", "b"),
                new Broadcast(),
                new Reduce("sum"),
                new Reduce("mean"),
                exact("var_all_unbiased", in -> in[0].var(), "x"),
                new Unary(),
                exact("softmax_dim1", in -> in[0].softmax(1), "x"),
                exact("log_softmax_dim1", in -> in[0].logSoftmax(1), "x"));
    }

    private static CaseFamily exact(String name, Function<Tensor[], Tensor> f, String... inputs) {
        return new CaseFamily() {
            @Override
            public String id() {
                return name;
            }

            @Override
            public boolean handles(String caseName) {
                return caseName.equals(name);
            }

            @Override
            public void check(ReferenceCase c, CaseReport report) {
                GradientCheck.run(c, report, f, inputs);
            }
        };
    }

    /** {@code broadcast_<add|sub|mul|div|scalar_tensor>}: x op y with NumPy broadcasting. */
    private static final class Broadcast extends PrefixFamily {
        Broadcast() {
            super("broadcast");
        }

        @Override
        public void check(ReferenceCase c, CaseReport report) {
            String op = c.name().substring("broadcast_".length());
            Function<Tensor[], Tensor> f = switch (op) {
                case "add" -> in -> in[0].add(in[1]);
                case "sub" -> in -> in[0].sub(in[1]);
                case "mul", "scalar_tensor" -> in -> in[0].mul(in[1]);
                case "div" -> in -> in[0].div(in[1]);
                default -> null;
            };
            if (f == null) {
                report.fail("unknown broadcast operation '" + op + "'");
                return;
            }
            GradientCheck.run(c, report, f, "x", "y");
        }
    }

    /** {@code sum_*} and {@code mean_*}: {@code all}, {@code dim<d>_keepdim}, {@code dims_<d>_<d>…}. */
    private static final class Reduce implements CaseFamily {
        private final String reduction;

        Reduce(String reduction) {
            this.reduction = reduction;
        }

        @Override
        public String id() {
            return reduction;
        }

        @Override
        public boolean handles(String caseName) {
            return CaseFamily.matches(caseName, reduction);
        }

        @Override
        public void check(ReferenceCase c, CaseReport report) {
            String spec = c.name().substring(reduction.length() + 1);
            boolean keepDim = spec.endsWith("_keepdim");
            if (keepDim) {
                spec = spec.substring(0, spec.length() - "_keepdim".length());
            }
            int[] dims;
            if (spec.equals("all")) {
                dims = null;
            } else if (spec.startsWith("dims_")) {
                dims = parseDims(spec.substring("dims_".length()).split("_"));
            } else if (spec.startsWith("dim")) {
                dims = parseDims(new String[] {spec.substring("dim".length())});
            } else {
                report.fail("cannot read the dimensions from the case name '" + c.name() + "'");
                return;
            }
            boolean mean = reduction.equals("mean");
            GradientCheck.run(c, report, in -> dims == null ? (mean ? in[0].mean() : in[0].sum())
                    : (mean ? in[0].mean(dims, keepDim) : in[0].sum(dims, keepDim)), "x");
        }

        private static int[] parseDims(String[] parts) {
            int[] dims = new int[parts.length];
            for (int i = 0; i < parts.length; i++) {
                dims[i] = Integer.parseInt(parts[i]);
            }
            return dims;
        }
    }

    /** {@code unary_<fn>}: relu, tanh, sigmoid, exp, log, sqrt, pow3, leaky_relu_0.01, neg, abs. */
    private static final class Unary extends PrefixFamily {
        Unary() {
            super("unary");
        }

        @Override
        public void check(ReferenceCase c, CaseReport report) {
            String fn = c.name().substring("unary_".length());
            Function<Tensor, Tensor> f;
            if (fn.startsWith("leaky_relu_")) {
                double slope = Double.parseDouble(fn.substring("leaky_relu_".length()));
                f = x -> x.leakyRelu(slope);
            } else if (fn.startsWith("pow")) {
                double exponent = Double.parseDouble(fn.substring("pow".length()));
                f = x -> x.pow(exponent);
            } else {
                f = switch (fn) {
                    case "relu" -> Tensor::relu;
                    case "tanh" -> Tensor::tanh;
                    case "sigmoid" -> Tensor::sigmoid;
                    case "exp" -> Tensor::exp;
                    case "log" -> Tensor::log;
                    case "sqrt" -> Tensor::sqrt;
                    case "neg" -> Tensor::neg;
                    case "abs" -> Tensor::abs;
                    default -> null;
                };
            }
            if (f == null) {
                report.fail("unknown unary function '" + fn + "'");
                return;
            }
            GradientCheck.run(c, report, in -> f.apply(in[0]), "x");
        }
    }
}
