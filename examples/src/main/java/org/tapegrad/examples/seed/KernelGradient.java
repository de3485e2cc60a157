package org.tapegrad.examples.seed;

import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Tensor;
import org.tapegrad.autograd.functional.Functional;

/**
 * The conv article's derivation, checked on numbers. A 3×3 image i and a 2×2 kernel k give a 2×2 output
 * f = i ⋆ k (cross-correlation, no padding):
 * <pre>
 *   f₁ = i₁k₁ + i₂k₂ + i₄k₃ + i₅k₄     f₂ = i₂k₁ + i₃k₂ + i₅k₃ + i₆k₄
 *   f₃ = i₄k₁ + i₅k₂ + i₇k₃ + i₈k₄     f₄ = i₅k₁ + i₆k₂ + i₈k₃ + i₉k₄
 * </pre>
 * (i and f numbered row by row from 1). With ∂L/∂f given, the chain rule gives
 * <pre>
 *   ∂L/∂k₁ = Σⱼ ∂L/∂fⱼ · ∂fⱼ/∂k₁ = ∂f₁·i₁ + ∂f₂·i₂ + ∂f₃·i₄ + ∂f₄·i₅        (each kernel entry: Σ ∂f · the pixels it saw)
 *   ∂L/∂i₅ = ∂f₁·k₄ + ∂f₂·k₃ + ∂f₃·k₂ + ∂f₄·k₁                              (each pixel: Σ ∂f · the weights it met)
 * </pre>
 * So a kernel's gradient is zero whenever ∂L/∂f is zero, and the gradient passed down to the layer below
 * is zero whenever the kernel is zero: with every conv weight 0, the upper layer sends nothing down and
 * (through BatchNorm and a ReLU at its kink) the lower layers receive nothing either.
 */
public final class KernelGradient {
    private KernelGradient() {
    }

    /**
     * The engine's gradients next to the hand formulas.
     *
     * @param image the 3×3 image, row by row
     * @param kernel the 2×2 kernel, row by row
     * @param upstream ∂L/∂f, 2×2, row by row
     * @param engineKernelGrad ∂L/∂k from backward()
     * @param handKernelGrad ∂L/∂k from the formula Σ ∂f · i
     * @param engineImageGrad ∂L/∂i from backward()
     * @param handImageGrad ∂L/∂i from the formula Σ ∂f · k
     * @param zeroKernelImageGrad ∂L/∂i from backward() when the kernel is all zeros
     */
    public record Check(double[] image, double[] kernel, double[] upstream, double[] output, double[] engineKernelGrad,
            double[] handKernelGrad, double[] engineImageGrad, double[] handImageGrad, double[] zeroKernelImageGrad) {
        /** The largest |engine − hand| over both gradients. */
        public double maxDifference() {
            double d = 0;
            for (int j = 0; j < 4; j++) {
                d = Math.max(d, Math.abs(engineKernelGrad[j] - handKernelGrad[j]));
            }
            for (int j = 0; j < 9; j++) {
                d = Math.max(d, Math.abs(engineImageGrad[j] - handImageGrad[j]));
            }
            return d;
        }
    }

    /** The example the report shows: i = 1…9, k = (1, 2, −1, 0.5), ∂L/∂f = (0.1, −0.2, 0.3, 0.4). */
    public static Check example() {
        return check(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, new double[] {1, 2, -1, 0.5},
                new double[] {0.1, -0.2, 0.3, 0.4});
    }

    /** Runs f = conv2d(i, k), L = Σ ∂f ⊙ f through the engine (float64) and compares with the formulas. */
    public static Check check(double[] image, double[] kernel, double[] upstream) {
        if (image.length != 9 || kernel.length != 4 || upstream.length != 4) {
            throw new IllegalArgumentException("kernel gradient: need a 3×3 image, a 2×2 kernel and a 2×2 ∂L/∂f, got "
                    + image.length + ", " + kernel.length + " and " + upstream.length + " values");
        }
        double[][] engine = engine(image, kernel, upstream);
        double[] handKernel = new double[4];
        double[] handImage = new double[9];
        for (int a = 0; a < 2; a++) {
            for (int b = 0; b < 2; b++) {
                for (int p = 0; p < 2; p++) {
                    for (int q = 0; q < 2; q++) {
                        double df = upstream[p * 2 + q];
                        handKernel[a * 2 + b] += df * image[(p + a) * 3 + (q + b)];
                        handImage[(p + a) * 3 + (q + b)] += df * kernel[a * 2 + b];
                    }
                }
            }
        }
        double[] zeroKernelImageGrad = engine(image, new double[4], upstream)[2];
        return new Check(image.clone(), kernel.clone(), upstream.clone(), engine[0], engine[1], handKernel, engine[2],
                handImage, zeroKernelImageGrad);
    }

    /** {output, ∂L/∂k, ∂L/∂i} from the engine. */
    private static double[][] engine(double[] image, double[] kernel, double[] upstream) {
        Tensor i = Tensor.of(DType.FLOAT64, image, 1, 1, 3, 3).requiresGrad(true);
        Tensor k = Tensor.of(DType.FLOAT64, kernel, 1, 1, 2, 2).requiresGrad(true);
        Tensor f = Functional.conv2d(i, k, null, new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1}, 1);
        f.backward(Tensor.of(DType.FLOAT64, upstream, 1, 1, 2, 2));
        return new double[][] {f.detach().toDoubleArray(), k.grad().toDoubleArray(), i.grad().toDoubleArray()};
    }
}
