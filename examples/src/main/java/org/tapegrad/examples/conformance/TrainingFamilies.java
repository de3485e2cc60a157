package org.tapegrad.examples.conformance;

import java.util.List;
import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.GradMode;
import org.tapegrad.autograd.Tensor;
import org.tapegrad.nn.BatchNorm2d;
import org.tapegrad.nn.Conv2d;
import org.tapegrad.nn.CrossEntropyLoss;
import org.tapegrad.nn.Flatten;
import org.tapegrad.nn.Linear;
import org.tapegrad.nn.MaxPool2d;
import org.tapegrad.nn.Module;
import org.tapegrad.nn.ReLU;
import org.tapegrad.nn.Sequential;
import org.tapegrad.nn.Tanh;
import org.tapegrad.nn.optim.SGD;

/**
 * Training trajectories, built from the same {@code nn} classes a user writes models with: start from
 * the case's initial parameters, train with SGD (gradients zeroed every step), compare the loss of
 * every step and the final parameters.
 */
final class TrainingFamilies {
    private TrainingFamilies() {
    }

    static List<CaseFamily> all() {
        return List.of(new SgdMlp(), new SmallCnn());
    }

    /** Copies {@code p<i>_0} into the model's parameters, in {@code model.parameters()} order. */
    static void loadInitialParameters(ReferenceCase c, Module model) {
        List<Tensor> params = model.parameters();
        try (GradMode.NoGrad ignored = GradMode.noGrad()) {
            for (int i = 0; i < params.size(); i++) {
                params.get(i).copyFrom(c.tensor("p" + i + "_0"));
            }
        }
    }

    /** Trains for as many steps as the case has losses; returns the per-step losses. */
    static Tensor train(ReferenceCase c, Module model, SGD optimizer) {
        Tensor x = c.tensor("X");
        Tensor y = c.tensor("y");
        CrossEntropyLoss criterion = new CrossEntropyLoss();
        int steps = c.array("losses").numel();
        double[] losses = new double[steps];
        for (int step = 0; step < steps; step++) {
            optimizer.zeroGrad();
            Tensor loss = criterion.forward(model.forward(x), y);
            losses[step] = loss.item();
            loss.backward();
            optimizer.step();
        }
        return Tensor.of(losses, steps);
    }

    static void checkFinalParameters(ReferenceCase c, Module model, CaseReport report) {
        List<Tensor> params = model.parameters();
        for (int i = 0; i < params.size(); i++) {
            report.check("p" + i + "_final", params.get(i));
        }
    }

    /** {@code sgd_mlp_*}: Linear(10,16)-ReLU-Linear(16,16)-Tanh-Linear(16,4) with the case's SGD settings. */
    private static final class SgdMlp extends PrefixFamily {
        SgdMlp() {
            super("sgd_mlp");
        }

        @Override
        public Tolerance tolerance(ReferenceCase c) {
            return Tolerance.TRAJECTORY;
        }

        @Override
        public void check(ReferenceCase c, CaseReport report) {
            Module model = new Sequential(
                    Linear.builder(10, 16).dtype(DType.FLOAT64).build(), new ReLU(),
                    Linear.builder(16, 16).dtype(DType.FLOAT64).build(), new Tanh(),
                    Linear.builder(16, 4).dtype(DType.FLOAT64).build());
            loadInitialParameters(c, model);
            SGD optimizer = new SGD(model.parameters(), SGD.Options.builder()
                    .lr(c.scalar("opt_lr"))
                    .momentum(c.scalar("opt_momentum"))
                    .dampening(c.scalar("opt_dampening"))
                    .weightDecay(c.scalar("opt_weight_decay"))
                    .nesterov(c.flag("opt_nesterov"))
                    .maximize(c.flag("opt_maximize"))
                    .build());
            report.check("losses", train(c, model, optimizer));
            checkFinalParameters(c, model, report);
        }
    }

    /**
     * {@code small_cnn_training*}: Conv2d(1,4,3,p1)-BatchNorm2d(4)-ReLU-MaxPool2d(2)-Flatten-Linear(64,3),
     * SGD(0.05, momentum 0.9), then eval-mode logits.
     */
    private static final class SmallCnn extends PrefixFamily {
        SmallCnn() {
            super("small_cnn_training");
        }

        @Override
        public Tolerance tolerance(ReferenceCase c) {
            return Tolerance.TRAJECTORY;
        }

        @Override
        public void check(ReferenceCase c, CaseReport report) {
            BatchNorm2d bn = BatchNorm2d.builder(4).dtype(DType.FLOAT64).build();
            Module model = new Sequential(
                    Conv2d.builder(1, 4, 3).padding(1).dtype(DType.FLOAT64).build(), bn, new ReLU(),
                    new MaxPool2d(2), new Flatten(), Linear.builder(64, 3).dtype(DType.FLOAT64).build());
            loadInitialParameters(c, model);
            SGD optimizer = new SGD(model.parameters(), 0.05, 0.9);
            report.check("losses", train(c, model, optimizer));
            checkFinalParameters(c, model, report);
            report.check("running_mean", bn.runningMean());
            report.check("running_var", bn.runningVar());
            model.eval();
            try (GradMode.NoGrad ignored = GradMode.noGrad()) {
                report.check("eval_logits", model.forward(c.tensor("X")));
            }
        }
    }
}
