package org.tapegrad.nn.inspect;

import org.tapegrad.autograd.testing.MiniJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Generator;
import org.tapegrad.autograd.Tensor;

/** The report as a text table, as JSON and as Markdown. */
class ReportFormatTest {
    private static final int IMAGE_SIZE = 6;

    private static GradientFlowReport zeroConvSeed() {
        Generator g = new Generator(5);
        return GradientFlowInspector.inspect(SeedNets.convSeed(SeedNets.ZEROS, DType.FLOAT32, g),
                SeedNets.image(IMAGE_SIZE, DType.FLOAT32, g), SeedNets.labelTwo(IMAGE_SIZE), SeedNets.CROSS_ENTROPY);
    }

    private static GradientFlowReport overflowingChain() {
        Generator g = new Generator(6);
        return GradientFlowInspector.inspect(SeedNets.mlp(60, 64, null, SeedNets.NORMAL, DType.FLOAT32, g),
                Tensor.randn(g, DType.FLOAT32, 1, 64), SeedNets.labels(1, 64, g), SeedNets.CROSS_ENTROPY);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> array(Object o) {
        return (List<Object>) o;
    }

    @Test
    void tableHasAHeaderOneRowPerLayerAndEveryReason() {
        String table = zeroConvSeed().toTable();
        String[] lines = table.split("\n");
        assertEquals("Gradient flow: loss 1.099, after 0 SGD steps", lines[0]);
        assertTrue(lines[1].startsWith("layer  type         act   act mean  act std  act zeros"), lines[1]);
        assertTrue(lines[1].endsWith("out-grad std  |grad|/|w|  verdict"), lines[1]);
        String[] names = {"conv1", "bn1", "conv2", "bn2"};
        for (int i = 0; i < names.length; i++) {
            String row = lines[2 + i];
            assertTrue(row.startsWith(names[i]) && row.endsWith("DEAD"), row);
        }
        assertTrue(lines[2].matches("conv1 +Conv2d +- +0 +0 +100\\.0% +0 +0 +0 +0 +0 +100\\.0% +0 +NaN +DEAD"), lines[2]);
        assertTrue(lines[3].contains("ReLU"), "bn1 is followed by a ReLU: " + lines[3]);
        assertEquals("", lines[6]);
        assertTrue(table.contains("\nconv2: DEAD - input to conv2 is all zeros because conv1's weights are zero"), table);
    }

    @Test
    void tableListsFurtherFindingsUnderTheVerdict() {
        String table = overflowingChain().toTable();
        assertTrue(table.contains("fc5: EXPLODING - its gradients hold ±Infinity or NaN"), table);
        assertTrue(table.contains("\n    also EXPLODING - activation std is"), table);
    }

    @Test
    void jsonParsesAndHoldsEveryLayerWithItsVerdictAndStatistics() {
        GradientFlowReport report = zeroConvSeed();
        Map<String, Object> root = object(MiniJson.parse(report.toJson()));
        assertEquals(List.of("loss", "steps", "thresholds", "layers"), List.copyOf(root.keySet()));
        assertEquals(report.loss(), (Double) root.get("loss"), 1e-6);
        assertEquals(0.0, root.get("steps"));
        assertEquals(FlowRules.SCALE_FACTOR_PER_LAYER, object(root.get("thresholds")).get("scaleFactorPerLayer"));
        assertEquals(FlowRules.SCALE_RATIO_OVERALL, object(root.get("thresholds")).get("scaleRatioOverall"));
        List<Object> layers = array(root.get("layers"));
        assertEquals(4, layers.size());
        Map<String, Object> conv2 = object(layers.get(2));
        assertEquals("conv2", conv2.get("name"));
        assertEquals("Conv2d", conv2.get("type"));
        assertEquals("DEAD", conv2.get("verdict"));
        assertEquals(report.verdict("conv2").reason(), conv2.get("reason"));
        assertEquals("DEAD", object(array(conv2.get("findings")).get(0)).get("verdict"));
        assertEquals(List.of(3.0, 3.0, 3.0, 3.0), conv2.get("weightShape"));
        Map<String, Object> input = object(conv2.get("input"));
        assertEquals(1.0, input.get("zeroFraction"));
        assertEquals((double) 3 * IMAGE_SIZE * IMAGE_SIZE, input.get("numel"));
        assertEquals(1.0, object(conv2.get("weightGradient")).get("zeroFraction"));
        assertEquals(Boolean.TRUE, conv2.get("allGradientsZero"));
        assertNull(conv2.get("activationType"));
        assertNull(conv2.get("gradientToWeightNormRatio"), "0/0 is NaN, written as null");
        assertEquals(5.0 - 5.0, object(conv2.get("symmetry")).get("commonValue"));
        Map<String, Object> bn1 = object(layers.get(1));
        assertEquals("ReLU", bn1.get("activationType"));
        assertNull(bn1.get("symmetry"), "a 1-D weight has no rows to compare");
    }

    @Test
    void jsonWritesNumbersItCannotHoldAsNullAndCountsThem() {
        Map<String, Object> root = object(MiniJson.parse(overflowingChain().toJson()));
        assertNull(root.get("loss"));
        Map<String, Object> top = object(array(root.get("layers")).get(59));
        Map<String, Object> activation = object(top.get("activation"));
        assertNull(activation.get("std"));
        assertEquals(activation.get("numel"), activation.get("nonFinite"));
    }

    @Test
    void markdownHasOneRowPerLayer() {
        String[] lines = zeroConvSeed().toMarkdown().split("\n");
        assertEquals(2 + 4, lines.length);
        assertEquals("| layer | type | activation std | output-gradient std | ‖∇W‖/‖W‖ | verdict | reason |", lines[0]);
        assertTrue(lines[4].startsWith("| conv2 | Conv2d | 0 | 0 | NaN | DEAD | input to conv2 is all zeros"), lines[4]);
    }

    @Test
    void unknownLayerNamesAreListedInTheError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> zeroConvSeed().verdict("fc9"));
        assertEquals("GradientFlowReport: no layer named 'fc9'; the layers are [conv1, bn1, conv2, bn2]", e.getMessage());
    }

    @Test
    void numbersAreShortAndReadable() {
        assertEquals("0", Format.number(0.0));
        assertEquals("0.16", Format.number(0.16));
        assertEquals("26.05", Format.number(26.0512));
        assertEquals("5", Format.number(5.0));
        assertEquals("3.21e-80", Format.number(3.2149e-80));
        assertEquals("1e+06", Format.number(1e6));
        assertEquals("-Inf", Format.number(Double.NEGATIVE_INFINITY));
        assertEquals("NaN", Format.number(Double.NaN));
        assertEquals("62.5%", Format.percent(0.625));
    }
}
