package org.tapegrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Generator;
import org.tapegrad.autograd.GradMode;
import org.tapegrad.autograd.Tensor;

/**
 * {@code stateDict → save → load} into a differently initialised model of the same architecture gives
 * back every tensor bit for bit, with its element type, for random small Sequential models of Linear,
 * Conv2d and BatchNorm2d layers in float32 or float64.
 */
class StateDictRoundTripProperties {
    private static Path directory;

    @BeforeContainer
    static void createDirectory() throws IOException {
        directory = Files.createTempDirectory("tapegrad-statedict");
    }

    @AfterContainer
    static void deleteDirectory() throws IOException {
        try (var files = Files.list(directory)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(directory);
    }

    /** A layer to build; {@link #build} makes it with the given generator and type. */
    sealed interface LayerSpec permits LinearSpec, ConvSpec, NormSpec {
        Module build(DType dtype, Generator generator);
    }

    record LinearSpec(int in, int out, boolean bias) implements LayerSpec {
        public Module build(DType dtype, Generator generator) {
            return Linear.builder(in, out).bias(bias).dtype(dtype).generator(generator).build();
        }
    }

    record ConvSpec(int groups, int inPerGroup, int outPerGroup, int kernel, boolean bias) implements LayerSpec {
        public Module build(DType dtype, Generator generator) {
            return Conv2d.builder(groups * inPerGroup, groups * outPerGroup, kernel).groups(groups).bias(bias)
                    .dtype(dtype).generator(generator).build();
        }
    }

    record NormSpec(int channels, boolean affine, boolean track, Double momentum) implements LayerSpec {
        public Module build(DType dtype, Generator generator) {
            return BatchNorm2d.builder(channels).affine(affine).trackRunningStats(track).momentum(momentum).dtype(dtype)
                    .build();
        }
    }

    record ModelSpec(List<LayerSpec> layers, DType dtype) {
        Sequential build(long seed) {
            Generator generator = new Generator(seed);
            List<Module> modules = new ArrayList<>();
            for (LayerSpec layer : layers) {
                modules.add(layer.build(dtype, generator));
            }
            return new Sequential(modules);
        }
    }

    @Provide
    Arbitrary<ModelSpec> models() {
        Arbitrary<Integer> size = Arbitraries.integers().between(1, 5);
        Arbitrary<LayerSpec> linear = Combinators.combine(size, size, Arbitraries.of(true, false)).as(LinearSpec::new);
        Arbitrary<LayerSpec> conv = Combinators.combine(Arbitraries.integers().between(1, 2), size, size,
                Arbitraries.integers().between(1, 3), Arbitraries.of(true, false)).as(ConvSpec::new);
        Arbitrary<LayerSpec> norm = Combinators.combine(size, Arbitraries.of(true, false), Arbitraries.of(true, false),
                Arbitraries.of(0.1, 0.5).injectNull(0.3)).as(NormSpec::new);
        Arbitrary<List<LayerSpec>> layers = Arbitraries.oneOf(linear, conv, norm).list().ofMinSize(1).ofMaxSize(4);
        return Combinators.combine(layers, Arbitraries.of(DType.FLOAT32, DType.FLOAT64)).as(ModelSpec::new);
    }

    /** Gives the buffers values other than their initial ones, as training would. */
    private static void scrambleBuffers(Sequential model, long seed) {
        Generator g = new Generator(seed);
        try (GradMode.NoGrad ignored = GradMode.noGrad()) {
            for (Map.Entry<String, Tensor> b : model.namedBuffers().entrySet()) {
                Tensor t = b.getValue();
                if (b.getKey().endsWith("num_batches_tracked")) {
                    t.fill(g.nextLong(0, 1L << 40));
                } else {
                    t.copyFrom(Tensor.rand(g, t.dtype(), t.shape()));
                }
            }
        }
    }

    @Property(tries = 40)
    void saveThenLoadRestoresEveryTensorExactly(@ForAll("models") ModelSpec spec,
            @ForAll("seeds") long seed) throws IOException {
        Sequential source = spec.build(seed);
        scrambleBuffers(source, seed);
        Path file = directory.resolve("model.npz");
        source.save(file);

        Sequential target = spec.build(seed + 1);
        target.load(file);

        Map<String, Tensor> expected = source.stateDict();
        Map<String, Tensor> actual = target.stateDict();
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(actual.keySet()));
        for (String key : expected.keySet()) {
            assertEquals(expected.get(key).dtype(), actual.get(key).dtype(), key);
            assertArrayEquals(expected.get(key).shape(), actual.get(key).shape(), key);
            assertArrayEquals(expected.get(key).toDoubleArray(), actual.get(key).toDoubleArray(), 0.0, key);
        }
        assertTrue(target.parameters().stream().allMatch(p -> p.isLeaf() && p.requiresGrad()));
    }

    @Provide
    Arbitrary<Long> seeds() {
        return Arbitraries.longs().between(0, 1_000_000);
    }
}
