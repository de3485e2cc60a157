package org.tapegrad.examples;

import java.util.ArrayList;
import java.util.List;
import org.tapegrad.autograd.DType;
import org.tapegrad.examples.seed.TrainingListener;
import org.tapegrad.examples.seed.Variant;
import org.tapegrad.examples.seed.VariantInspector;
import org.tapegrad.nn.inspect.GradientFlowReport;

/**
 * Puts the gradient-flow inspector's verdicts under each variant of the {@code conv} experiment: the
 * variant's model and initialisation, inspected once before training on a small float64 image (the
 * verdicts depend on the initialisation, not on the image size, and float64 keeps rounding from
 * blurring "symmetric" into "dead").
 */
public final class GradientFlowVariantInspector implements VariantInspector {
    /** Side of the image the inspector uses: small, so the full run stays fast. */
    static final int IMAGE_SIZE = 32;

    private final long seed;

    public GradientFlowVariantInspector(long seed) {
        this.seed = seed;
    }

    @Override
    public TrainingListener watch(Variant variant) {
        return new TrainingListener() {
            @Override
            public List<String> verdicts() {
                InspectCommand.Setup setup = new InspectCommand.Setup(variant.singleConv() ? "single-conv" : "conv",
                        initName(variant), null, null, null, IMAGE_SIZE, DType.FLOAT64, seed, 0, 0.01);
                GradientFlowReport report = InspectCommand.inspect(setup);
                List<String> lines = new ArrayList<>();
                lines.add("Gradient-flow inspector (" + setup.describe() + "):");
                lines.add("");
                lines.addAll(report.toMarkdown().lines().toList());
                return lines;
            }
        };
    }

    private static String initName(Variant variant) {
        return switch (variant) {
            case ZEROS, ZEROS_SINGLE_CONV -> "zeros";
            case CONSTANT5 -> "const5";
            case KAIMING -> "kaiming-normal";
        };
    }
}
