package org.tapegrad.examples.mlp;

import java.util.List;
import org.tapegrad.autograd.Generator;
import org.tapegrad.autograd.Tensor;
import org.tapegrad.init.CaffeFiller;
import org.tapegrad.init.FanMode;
import org.tapegrad.init.Init;
import org.tapegrad.init.VarianceScaling;

/**
 * One way to initialise a Linear weight (out, in) with the library, with the call written out as a
 * learner would type it.
 *
 * @param id the short name used in JSON and on the command line
 * @param call the library call, for tables and legends
 * @param filler fills the weight in place
 */
public record LayerInit(String id, String call, Filler filler) {
    /** Fills a weight tensor in place with draws from {@code generator}. */
    @FunctionalInterface
    public interface Filler {
        void fill(Tensor weight, Generator generator);
    }

    /** {@code normal_(w, 0, std)}. */
    public static LayerInit normal(String id, String call, double std) {
        return new LayerInit(id, call, (w, g) -> Init.normal_(w, 0, std, g));
    }

    /**
     * Every initialiser of the library, called with its defaults (the "ten initialisation methods" and
     * the Caffe and Keras families), for a square (n, n) weight. Arguments that have no default are the
     * usual tutorial values: {@code constant_(w, 0.01)}, {@code sparse_(w, 0.1)}.
     */
    public static List<LayerInit> library() {
        return List.of(
                new LayerInit("uniform", "uniform_(w)  [U(0, 1)]", (w, g) -> Init.uniform_(w, 0, 1, g)),
                new LayerInit("normal", "normal_(w)  [N(0, 1)]", (w, g) -> Init.normal_(w, 0, 1, g)),
                new LayerInit("trunc-normal", "truncNormal_(w)  [N(0, 1) cut at ±2]",
                        (w, g) -> Init.truncNormal_(w, 0, 1, -2, 2, g)),
                new LayerInit("constant", "constant_(w, 0.01)", (w, g) -> Init.constant_(w, 0.01)),
                new LayerInit("ones", "ones_(w)", (w, g) -> Init.ones_(w)),
                new LayerInit("zeros", "zeros_(w)", (w, g) -> Init.zeros_(w)),
                new LayerInit("eye", "eye_(w)", (w, g) -> Init.eye_(w)),
                new LayerInit("xavier-uniform", "xavierUniform_(w)", (w, g) -> Init.xavierUniform_(w, 1, g)),
                new LayerInit("xavier-normal", "xavierNormal_(w)", (w, g) -> Init.xavierNormal_(w, 1, g)),
                new LayerInit("kaiming-uniform", "kaimingUniform_(w)  [a=0, fan_in, leaky_relu]",
                        (w, g) -> Init.kaimingUniform_(w, 0, FanMode.FAN_IN, "leaky_relu", g)),
                new LayerInit("kaiming-normal", "kaimingNormal_(w)  [a=0, fan_in, leaky_relu]",
                        (w, g) -> Init.kaimingNormal_(w, 0, FanMode.FAN_IN, "leaky_relu", g)),
                new LayerInit("pytorch-default", "kaimingUniform_(w, a=√5)  [nn.Linear's default]",
                        (w, g) -> Init.kaimingUniform_(w, Math.sqrt(5), FanMode.FAN_IN, "leaky_relu", g)),
                new LayerInit("orthogonal", "orthogonal_(w)", (w, g) -> Init.orthogonal_(w, 1, g)),
                new LayerInit("sparse", "sparse_(w, 0.1)  [std 0.01]", (w, g) -> Init.sparse_(w, 0.1, 0.01, g)),
                new LayerInit("caffe-xavier", "CaffeFiller.xavier()  [U(±√(3/fan_in))]",
                        (w, g) -> CaffeFiller.xavier().fill(w, g)),
                new LayerInit("caffe-msra", "CaffeFiller.msra()  [N(0, 2/fan_in)]",
                        (w, g) -> CaffeFiller.msra().fill(w, g)),
                new LayerInit("keras-lecun-normal", "VarianceScaling.lecunNormal()",
                        (w, g) -> VarianceScaling.lecunNormal().fill(w, g)),
                new LayerInit("keras-glorot-normal", "VarianceScaling.glorotNormal()",
                        (w, g) -> VarianceScaling.glorotNormal().fill(w, g)),
                new LayerInit("keras-he-normal", "VarianceScaling.heNormal()",
                        (w, g) -> VarianceScaling.heNormal().fill(w, g)));
    }
}
