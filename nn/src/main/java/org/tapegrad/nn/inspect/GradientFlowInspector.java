package org.tapegrad.nn.inspect;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tapegrad.autograd.HookHandle;
import org.tapegrad.autograd.Shapes;
import org.tapegrad.autograd.Tensor;
import org.tapegrad.autograd.ops.Kernels;
import org.tapegrad.nn.LeakyReLU;
import org.tapegrad.nn.Module;
import org.tapegrad.nn.ReLU;
import org.tapegrad.nn.Sigmoid;
import org.tapegrad.nn.Tanh;
import org.tapegrad.nn.optim.SGD;

/**
 * Runs a model forward and backward once and reports, per layer, what flows through it, with a verdict on
 * whether it can learn: {@link GradientFlowReport}.
 * <pre>{@code
 * GradientFlowReport report = GradientFlowInspector.inspect(model, images, labels, new CrossEntropyLoss()::forward);
 * System.out.println(report.toTable());
 * }</pre>
 *
 * <h2>What is measured, and how</h2>
 * A <b>layer</b> is a module that owns parameters that require grad (Linear, Conv2d, BatchNorm2d, …;
 * containers such as Sequential own none). For each, in the order they first run:
 * <ul>
 *   <li>a forward hook ({@link Module#registerForwardHook}) summarises its input and output, and registers a
 *       gradient hook ({@link Tensor#registerHook}) on the output that summarises the gradient arriving there;</li>
 *   <li>a forward hook on every ReLU, LeakyReLU, Tanh and Sigmoid module attaches that nonlinearity to the layer
 *       whose output tensor is its input (the same object), with its output, the gradient at its output and,
 *       for Tanh and Sigmoid, how saturated it is;</li>
 *   <li>after {@code loss.backward()}, each parameter's {@code grad()} (parameters are leaves).</li>
 * </ul>
 * A module that runs more than once in one forward pass is measured at its first call. Nonlinearities applied
 * as tensor operations ({@code x.relu()}) rather than as modules are not seen. The rules that turn the
 * numbers into verdicts are in {@link FlowRules}.
 *
 * <h2>Side effects</h2>
 * The inspection is one ordinary training-mode (or eval-mode, as the model is) forward and backward pass:
 * the parameters' gradients are first cleared ({@link Module#zeroGrad()}) and afterwards hold this pass's
 * gradients, and BatchNorm's running statistics are updated as in any forward pass in training mode. The
 * parameters themselves change only with {@code steps > 0}. All hooks are removed before returning.
 *
 * <p>This class holds only static methods.
 */
public final class GradientFlowInspector {
    private GradientFlowInspector() {
    }

    /**
     * Inspects one forward and backward pass of {@code model} on {@code input}.
     *
     * @param model  modified: see "Side effects" in the class comment
     * @param input  not modified
     * @param target not modified
     * @param loss   the loss of the model's output against the target
     * @throws IllegalArgumentException if the loss is not a single number that depends on the parameters
     */
    public static GradientFlowReport inspect(Module model, Tensor input, Tensor target, LossFunction loss) {
        return inspect(model, input, target, loss, 0, 0.0);
    }

    /**
     * Trains {@code model} for {@code steps} plain SGD steps on the one batch ({@code input}, {@code target}),
     * clearing the gradients before each, and then inspects one more forward and backward pass. A few steps show
     * whether a problem persists once training starts (a symmetric layer stays symmetric; a dead one stays dead).
     *
     * @param model        modified: its parameters are trained; see also "Side effects" in the class comment
     * @param input        not modified
     * @param target       not modified
     * @param loss         the loss of the model's output against the target
     * @param steps        the number of SGD steps before the inspection, ≥ 0
     * @param learningRate the SGD learning rate, ≥ 0 and finite (unused when {@code steps} is 0)
     * @throws IllegalArgumentException if {@code steps} or the learning rate is invalid, or the loss is not a
     *                                  single number that depends on the parameters
     */
    public static GradientFlowReport inspect(Module model, Tensor input, Tensor target, LossFunction loss, int steps,
            double learningRate) {
        if (steps < 0) {
            throw new IllegalArgumentException("GradientFlowInspector: steps must be >= 0, got " + steps);
        }
        if (steps > 0 && !(learningRate >= 0 && Double.isFinite(learningRate))) {
            throw new IllegalArgumentException("GradientFlowInspector: learning rate must be finite and >= 0, got "
                    + learningRate);
        }
        if (steps > 0) {
            SGD optimizer = new SGD(model.parameters(), learningRate);
            for (int s = 0; s < steps; s++) {
                optimizer.zeroGrad();
                checkedLoss(loss, model.forward(input), target).backward();
                optimizer.step();
            }
        }
        Recorder recorder = new Recorder();
        List<HookHandle> handles = recorder.attach(model);
        double lossValue;
        try {
            Tensor value = checkedLoss(loss, model.forward(input), target);
            lossValue = value.item();
            model.zeroGrad();
            value.backward();
        } finally {
            for (HookHandle handle : handles) {
                handle.remove();
            }
        }
        List<LayerStats> layers = recorder.layers();
        return new GradientFlowReport(layers, FlowRules.judge(layers), lossValue, steps);
    }

    private static Tensor checkedLoss(LossFunction loss, Tensor output, Tensor target) {
        Tensor value = loss.apply(output, target);
        if (value == null || value.numel() != 1) {
            throw new IllegalArgumentException("GradientFlowInspector: the loss must be a single number, got "
                    + (value == null ? "null" : "shape " + Shapes.format(value.shape())));
        }
        if (!value.requiresGrad()) {
            throw new IllegalArgumentException("GradientFlowInspector: the loss does not depend on any parameter that "
                    + "requires grad (is gradient recording off, or are all parameters frozen?)");
        }
        return value;
    }

    // ------------------------------------------------------------------ recording

    /** Is this module a nonlinearity the inspector attaches to the layer before it? */
    private static boolean isActivation(Module module) {
        return module instanceof ReLU || module instanceof LeakyReLU || module instanceof Tanh
                || module instanceof Sigmoid;
    }

    /** What the hooks saw of one layer; turned into an immutable {@link LayerStats} after backward. */
    private static final class Probe {
        final String name;
        final Module module;
        TensorSummary input;
        TensorSummary output;
        TensorSummary outputGradient;
        String activationType;
        TensorSummary activationValues;
        TensorSummary activationGradient;
        double saturatedFraction = Double.NaN;
        double pinnedFraction = Double.NaN;

        Probe(String name, Module module) {
            this.name = name;
            this.module = module;
        }
    }

    /** Registers the hooks and collects what they see. */
    private static final class Recorder {
        private final Map<Module, Probe> probes = new IdentityHashMap<>();
        private final List<Probe> order = new ArrayList<>();
        private final Map<Tensor, Probe> byOutput = new IdentityHashMap<>();

        List<HookHandle> attach(Module model) {
            List<HookHandle> handles = new ArrayList<>();
            for (Map.Entry<String, Module> entry : model.namedModules().entrySet()) {
                Module module = entry.getValue();
                if (!ownTrainableParameters(module).isEmpty()) {
                    probes.put(module, new Probe(entry.getKey(), module));
                    handles.add(module.registerForwardHook(this::afterLayer));
                } else if (isActivation(module)) {
                    handles.add(module.registerForwardHook(this::afterActivation));
                }
            }
            return handles;
        }

        private void afterLayer(Module module, Tensor input, Tensor output) {
            Probe probe = probes.get(module);
            if (probe.output != null) {
                return;
            }
            probe.input = TensorSummary.of(input);
            probe.output = TensorSummary.of(output);
            order.add(probe);
            byOutput.put(output, probe);
            if (output.requiresGrad()) {
                output.registerHook(g -> {
                    probe.outputGradient = TensorSummary.of(g);
                    return null;
                });
            }
        }

        private void afterActivation(Module module, Tensor input, Tensor output) {
            Probe probe = byOutput.get(input);
            if (probe == null || probe.activationType != null) {
                return;
            }
            probe.activationType = module.typeName();
            probe.activationValues = TensorSummary.of(output);
            if (module instanceof Tanh || module instanceof Sigmoid) {
                saturation(probe, Kernels.rowMajor(output), module instanceof Tanh);
            }
            if (output.requiresGrad()) {
                output.registerHook(g -> {
                    probe.activationGradient = TensorSummary.of(g);
                    return null;
                });
            }
        }

        /** Fractions of tanh outputs with |y| ≥ 1 − margin (= 1), of sigmoid outputs with y ≤ margin or ≥ 1 − margin (0 or 1). */
        private static void saturation(Probe probe, double[] y, boolean tanh) {
            double margin = FlowRules.SATURATION_MARGIN;
            long near = 0;
            long pinned = 0;
            for (double v : y) {
                if (tanh) {
                    double a = Math.abs(v);
                    near += a >= 1 - margin ? 1 : 0;
                    pinned += a == 1.0 ? 1 : 0;
                } else {
                    near += v <= margin || v >= 1 - margin ? 1 : 0;
                    pinned += v == 0.0 || v == 1.0 ? 1 : 0;
                }
            }
            probe.saturatedFraction = y.length == 0 ? 0.0 : (double) near / y.length;
            probe.pinnedFraction = y.length == 0 ? 0.0 : (double) pinned / y.length;
        }

        List<LayerStats> layers() {
            List<LayerStats> layers = new ArrayList<>();
            for (Probe p : order) {
                Map<String, Tensor> own = ownTrainableParameters(p.module);
                String weightName = own.containsKey("weight") ? "weight" : own.keySet().iterator().next();
                Tensor weight = own.get(weightName);
                boolean allZero = true;
                for (Tensor parameter : own.values()) {
                    allZero &= parameter.grad() == null || TensorSummary.of(parameter.grad()).allZero();
                }
                ActivationStats activation = p.activationType == null ? null : new ActivationStats(p.activationType,
                        p.activationValues, p.activationGradient, p.saturatedFraction, p.pinnedFraction);
                List<Integer> shape = new ArrayList<>();
                for (int size : weight.shape()) {
                    shape.add(size);
                }
                layers.add(new LayerStats(p.name, p.module.typeName(), p.input, p.output, p.outputGradient, activation,
                        weightName, shape, TensorSummary.of(weight),
                        weight.grad() == null ? null : TensorSummary.of(weight.grad()), allZero,
                        weight.dim() >= 2 ? RowSymmetry.of(weight, weight.grad()) : null));
            }
            return layers;
        }
    }

    /** The module's own parameters (not its children's) that require grad, by their short names. */
    private static Map<String, Tensor> ownTrainableParameters(Module module) {
        Map<String, Tensor> own = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> entry : module.namedParameters().entrySet()) {
            if (!entry.getKey().contains(".") && entry.getValue().requiresGrad()) {
                own.put(entry.getKey(), entry.getValue());
            }
        }
        return own;
    }
}
