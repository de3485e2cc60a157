package org.tapegrad.examples.formulas;

import java.util.ArrayList;
import java.util.List;
import org.tapegrad.autograd.Generator;
import org.tapegrad.autograd.Tensor;
import org.tapegrad.init.CaffeFiller;
import org.tapegrad.init.FanMode;
import org.tapegrad.init.Fans;
import org.tapegrad.init.Init;
import org.tapegrad.init.VarianceScaling;

/**
 * One initialiser's scale, three ways: the formula as text, its value worked out here by hand from the
 * fans (independently of the library), and a fill function that lets the library draw a sample whose std
 * is measured.
 *
 * @param family PyTorch, Caffe or Keras
 * @param call the library call
 * @param formula the standard deviation as a formula of fan_in and fan_out (and the uniform bound, if any)
 * @param std the formula's value, computed by hand
 * @param bound the half-width of the uniform interval, or NaN for a Gaussian
 * @param filler fills a tensor with the library
 */
public record Scale(String family, String call, String formula, double std, double bound, Filler filler) {
    /** Fills a weight in place. */
    @FunctionalInterface
    public interface Filler {
        void fill(Tensor weight, Generator generator);
    }

    /** The value for the std of a standard normal cut at ±2 (Keras' correction constant). */
    static final double TRUNCATED_UNIT_STD = 0.87962566103423978;

    /** Every initialiser's scale for a weight of {@code shape} (PyTorch layout: (out, in, kernel…)). */
    public static List<Scale> all(int... shape) {
        Fans fans = Fans.of(shape);
        double fi = fans.fanIn();
        double fo = fans.fanOut();
        double glorot = Math.sqrt(2.0 / (fi + fo));
        double he = Math.sqrt(2.0 / fi);
        double heOut = Math.sqrt(2.0 / fo);
        double lecun = Math.sqrt(1.0 / fi);
        double root3 = Math.sqrt(3);
        List<Scale> s = new ArrayList<>();
        s.add(new Scale("PyTorch", "xavierUniform_(w)", "√(2/(fan_in+fan_out)); bound √(6/(fan_in+fan_out))", glorot,
                root3 * glorot, (w, g) -> Init.xavierUniform_(w, 1, g)));
        s.add(new Scale("PyTorch", "xavierNormal_(w)", "√(2/(fan_in+fan_out))", glorot, Double.NaN,
                (w, g) -> Init.xavierNormal_(w, 1, g)));
        s.add(new Scale("PyTorch", "kaimingUniform_(w, fan_in, relu)", "√(2/fan_in); bound √(6/fan_in)", he,
                root3 * he, (w, g) -> Init.kaimingUniform_(w, 0, FanMode.FAN_IN, "relu", g)));
        s.add(new Scale("PyTorch", "kaimingUniform_(w, fan_out, relu)", "√(2/fan_out); bound √(6/fan_out)", heOut,
                root3 * heOut, (w, g) -> Init.kaimingUniform_(w, 0, FanMode.FAN_OUT, "relu", g)));
        s.add(new Scale("PyTorch", "kaimingNormal_(w, fan_in, relu)", "√(2/fan_in)", he, Double.NaN,
                (w, g) -> Init.kaimingNormal_(w, 0, FanMode.FAN_IN, "relu", g)));
        s.add(new Scale("PyTorch", "kaimingNormal_(w, fan_out, relu)", "√(2/fan_out)", heOut, Double.NaN,
                (w, g) -> Init.kaimingNormal_(w, 0, FanMode.FAN_OUT, "relu", g)));
        s.add(new Scale("PyTorch", "kaimingNormal_(w, fan_in, linear)", "√(1/fan_in) (LeCun)", lecun, Double.NaN,
                (w, g) -> Init.kaimingNormal_(w, 0, FanMode.FAN_IN, "linear", g)));
        s.add(new Scale("PyTorch", "kaimingNormal_(w, fan_in, tanh)", "(5/3)/√fan_in", 5.0 / 3 / Math.sqrt(fi),
                Double.NaN, (w, g) -> Init.kaimingNormal_(w, 0, FanMode.FAN_IN, "tanh", g)));
        s.add(new Scale("PyTorch", "kaimingUniform_(w, a=√5)  [layer default]", "1/√(3·fan_in); bound 1/√fan_in",
                1 / Math.sqrt(3 * fi), 1 / Math.sqrt(fi),
                (w, g) -> Init.kaimingUniform_(w, Math.sqrt(5), FanMode.FAN_IN, "leaky_relu", g)));
        s.add(new Scale("PyTorch", "truncNormal_(w, 0, σ, −2σ, 2σ), σ = √(2/fan_in)", "0.8796·σ (no correction)",
                TRUNCATED_UNIT_STD * he, 2 * he, (w, g) -> Init.truncNormal_(w, 0, he, -2 * he, 2 * he, g)));
        int rows = shape[0];
        int cols = fans.fanIn();
        s.add(new Scale("PyTorch", "orthogonal_(w)", "1/√max(rows, numel/rows)", 1 / Math.sqrt(Math.max(rows, cols)),
                Double.NaN, (w, g) -> Init.orthogonal_(w, 1, g)));
        if (shape.length == 2) {
            double zeros = Math.ceil(0.1 * rows);
            s.add(new Scale("PyTorch", "sparse_(w, 0.1, 0.01)", "0.01·√(1 − ⌈0.1·rows⌉/rows)",
                    0.01 * Math.sqrt(1 - zeros / rows), Double.NaN, (w, g) -> Init.sparse_(w, 0.1, 0.01, g)));
        }
        s.add(new Scale("Caffe", "xavier, FAN_IN (default)", "√(1/fan_in); bound √(3/fan_in)", lecun, root3 * lecun,
                (w, g) -> CaffeFiller.xavier().fill(w, g)));
        s.add(new Scale("Caffe", "xavier, AVERAGE", "√(2/(fan_in+fan_out)) (Glorot)", glorot, root3 * glorot,
                (w, g) -> CaffeFiller.xavier(CaffeFiller.VarianceNorm.AVERAGE).fill(w, g)));
        s.add(new Scale("Caffe", "xavier, FAN_OUT", "√(1/fan_out)", Math.sqrt(1 / fo), root3 * Math.sqrt(1 / fo),
                (w, g) -> CaffeFiller.xavier(CaffeFiller.VarianceNorm.FAN_OUT).fill(w, g)));
        s.add(new Scale("Caffe", "msra, FAN_IN (default)", "√(2/fan_in) (He)", he, Double.NaN,
                (w, g) -> CaffeFiller.msra().fill(w, g)));
        s.add(new Scale("Caffe", "msra, FAN_OUT", "√(2/fan_out)", heOut, Double.NaN,
                (w, g) -> CaffeFiller.msra(CaffeFiller.VarianceNorm.FAN_OUT).fill(w, g)));
        s.add(new Scale("Caffe", "msra, AVERAGE", "√(4/(fan_in+fan_out))", Math.sqrt(4 / (fi + fo)), Double.NaN,
                (w, g) -> CaffeFiller.msra(CaffeFiller.VarianceNorm.AVERAGE).fill(w, g)));
        s.add(new Scale("Keras", "lecun_normal", "√(1/fan_in) (truncated at ±2σ, corrected)", lecun, Double.NaN,
                (w, g) -> VarianceScaling.lecunNormal().fill(w, g)));
        s.add(new Scale("Keras", "lecun_uniform", "√(1/fan_in); bound √(3/fan_in)", lecun, root3 * lecun,
                (w, g) -> VarianceScaling.lecunUniform().fill(w, g)));
        s.add(new Scale("Keras", "glorot_normal", "√(2/(fan_in+fan_out)) (truncated, corrected)", glorot, Double.NaN,
                (w, g) -> VarianceScaling.glorotNormal().fill(w, g)));
        s.add(new Scale("Keras", "glorot_uniform", "√(2/(fan_in+fan_out)); bound √(6/(fan_in+fan_out))", glorot,
                root3 * glorot, (w, g) -> VarianceScaling.glorotUniform().fill(w, g)));
        s.add(new Scale("Keras", "he_normal", "√(2/fan_in) (truncated, corrected)", he, Double.NaN,
                (w, g) -> VarianceScaling.heNormal().fill(w, g)));
        s.add(new Scale("Keras", "he_uniform", "√(2/fan_in); bound √(6/fan_in)", he, root3 * he,
                (w, g) -> VarianceScaling.heUniform().fill(w, g)));
        return s;
    }
}
