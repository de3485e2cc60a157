package org.tapegrad.examples.depth;

import java.util.List;

/**
 * One configuration of the article's 100-layer chain: how each weight matrix is drawn and which
 * activation follows it.
 *
 * @param id the name used on the command line ({@code --config})
 * @param weights how the article writes the weights, for tables (n is the width)
 * @param activation the non-linearity after each layer
 * @param sampler draws one weight matrix
 */
public record ChainConfig(String id, String weights, Activation activation, WeightSampler sampler) {
    /** The label in charts and tables, for example {@code N(0,1)/√n, tanh}. */
    public String label() {
        return weights + ", " + activation;
    }

    /** Every configuration of the article, in its order. */
    public static List<ChainConfig> all() {
        return List.of(
                new ChainConfig("normal", "N(0,1)", Activation.LINEAR, WeightSampler.normal(1)),
                new ChainConfig("normal-x0.01", "N(0,1)·0.01", Activation.LINEAR, WeightSampler.normal(0.01)),
                new ChainConfig("normal-scaled", "N(0,1)/√n", Activation.LINEAR, WeightSampler.normalOverSqrtN()),
                new ChainConfig("normal-scaled-sigmoid", "N(0,1)/√n", Activation.SIGMOID,
                        WeightSampler.normalOverSqrtN()),
                new ChainConfig("normal-scaled-tanh", "N(0,1)/√n", Activation.TANH, WeightSampler.normalOverSqrtN()),
                new ChainConfig("uniform-sym-tanh", "U(−1,1)/√n", Activation.TANH,
                        WeightSampler.uniformOverSqrtN(-1, 1)),
                new ChainConfig("uniform-sym-sigmoid", "U(−1,1)/√n", Activation.SIGMOID,
                        WeightSampler.uniformOverSqrtN(-1, 1)),
                new ChainConfig("uniform-pos-tanh", "U(0,1)/√n", Activation.TANH,
                        WeightSampler.uniformOverSqrtN(0, 1)),
                new ChainConfig("uniform-pos-sigmoid", "U(0,1)/√n", Activation.SIGMOID,
                        WeightSampler.uniformOverSqrtN(0, 1)),
                new ChainConfig("xavier-article-tanh", "article xavier U(−1,1)/√(6/2n)", Activation.TANH,
                        WeightSampler.articleXavier()),
                new ChainConfig("xavier-article-sigmoid", "article xavier U(−1,1)/√(6/2n)", Activation.SIGMOID,
                        WeightSampler.articleXavier()),
                new ChainConfig("glorot-tanh", "Glorot U(−1,1)·√(6/2n)", Activation.TANH,
                        WeightSampler.glorotUniform()),
                new ChainConfig("glorot-sigmoid", "Glorot U(−1,1)·√(6/2n)", Activation.SIGMOID,
                        WeightSampler.glorotUniform()),
                new ChainConfig("relu-scaled", "N(0,1)/√n", Activation.RELU, WeightSampler.normalOverSqrtN()),
                new ChainConfig("relu-xavier-article", "article xavier U(−1,1)/√(6/2n)", Activation.RELU,
                        WeightSampler.articleXavier()),
                new ChainConfig("relu-glorot", "Glorot U(−1,1)·√(6/2n)", Activation.RELU,
                        WeightSampler.glorotUniform()),
                new ChainConfig("relu-kaiming", "Kaiming N(0,1)·√(2/n)", Activation.RELU, WeightSampler.kaiming()));
    }

    /** The configurations whose ids are listed, in the article's order; all of them when {@code ids} is empty. */
    public static List<ChainConfig> select(List<String> ids) {
        if (ids == null || ids.isEmpty()) {
            return all();
        }
        for (String id : ids) {
            if (all().stream().noneMatch(c -> c.id().equals(id))) {
                throw new IllegalArgumentException("depth: unknown configuration '" + id + "'; known: " + ids());
            }
        }
        return all().stream().filter(c -> ids.contains(c.id())).toList();
    }

    /** Every configuration id. */
    public static List<String> ids() {
        return all().stream().map(ChainConfig::id).toList();
    }
}
