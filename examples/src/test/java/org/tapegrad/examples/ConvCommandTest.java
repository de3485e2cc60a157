package org.tapegrad.examples;

import org.tapegrad.autograd.testing.MiniJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code conv} subcommand, run small (16×16 image, 3 epochs). */
class ConvCommandTest {
    private static String[] small(Path out, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("conv", "--size", "16", "--epochs", "3", "--out",
                out.toString()));
        args.addAll(List.of(more));
        return args.toArray(new String[0]);
    }

    @Test
    void printsTheRoundsAndVerdictsAndWritesAFivePanelChartPerVariant(@TempDir Path out) throws Exception {
        CliRun run = CliRun.of(small(out));
        assertEquals(0, run.status, run.toString());
        assertTrue(run.out.contains("zeros: both convs zeros_(w)\nround 0: loss = 1.0986123\nround 1: loss = 1.0986123"
                + "\nround 2: loss = 1.0986123\nverdict conv1: never received a non-zero gradient"), run.out);
        assertTrue(run.out.contains("verdict conv2: never received a non-zero gradient"), run.out);
        assertTrue(run.out.contains("zeros-single-conv: conv2 alone, zeros_(w)"), run.out);
        assertTrue(run.out.contains("the symmetry is never broken"), "constant 5 keeps identical filters:\n" + run.out);
        assertTrue(run.out.contains("∂L/∂k engine [2.9, 3.5, 4.7, 5.3], by hand [2.9, 3.5, 4.7, 5.3]"), run.out);
        assertTrue(run.err.contains("[conv"), "progress on stderr");
        String report = Files.readString(out.resolve("report.md"));
        assertTrue(report.contains("## Conv: zero initialisation and gradient death"), report);
        assertTrue(report.contains("### The derivation, checked on numbers"), report);
        for (String variant : List.of("zeros", "zeros_single_conv", "constant5", "kaiming")) {
            Path chart = out.resolve("conv_" + variant + ".png");
            BufferedImage image = ImageFiles.assertPng(chart);
            assertTrue(image.getWidth() > image.getHeight(), "panels laid out 3 wide, 2 high");
            assertTrue(report.contains("(conv_" + variant + ".png)"), variant);
        }
    }

    @Test
    void theReportCarriesTheGradientFlowVerdictsOfEachVariant(@TempDir Path out) throws Exception {
        CliRun run = CliRun.of(small(out, "--variant", "zeros", "--variant", "constant5", "--variant", "kaiming"));
        assertEquals(0, run.status, run.toString());
        String report = Files.readString(out.resolve("report.md"));
        assertTrue(report.contains("| conv1 | Conv2d |"), report);
        String zeros = section(report, "zeros: both convs zeros_(w)", "constant5:");
        assertTrue(zeros.contains("| DEAD | conv1's weights are zero"), zeros);
        String constant = section(report, "constant5:", "kaiming:");
        assertTrue(constant.contains("| SYMMETRIC | all 3 output channels of conv1 have identical incoming weights"),
                constant);
        String kaiming = section(report, "kaiming:", "The derivation");
        assertFalse(kaiming.contains("DEAD") || kaiming.contains("SYMMETRIC"), kaiming);
        assertTrue(kaiming.contains("| HEALTHY |"), kaiming);
    }

    /** The part of {@code text} from the first {@code from} to the next {@code to} after it. */
    private static String section(String text, String from, String to) {
        int start = text.indexOf(from);
        assertTrue(start >= 0, "no '" + from + "' in\n" + text);
        int end = text.indexOf(to, start + from.length());
        return text.substring(start, end < 0 ? text.length() : end);
    }

    @Test
    void jsonCarriesTheFiveSeriesOfEachChosenVariant(@TempDir Path out) {
        CliRun run = CliRun.of(small(out, "--json", "--variant", "kaiming", "--variant", "zeros", "--zero-grad"));
        assertEquals(0, run.status, run.toString());
        Map<String, Object> conv = MiniJson.object(MiniJson.object(MiniJson.object(MiniJson.parse(run.out))
                .get("experiments")).get("conv"));
        assertEquals(Boolean.TRUE, conv.get("zeroGrad"));
        List<Object> variants = MiniJson.array(conv.get("variants"));
        assertEquals(2, variants.size());
        Map<String, Object> zeros = MiniJson.object(variants.get(0));
        assertEquals("zeros", zeros.get("variant"), "variants run in the article's order");
        assertEquals(Boolean.FALSE, zeros.get("conv1EverNonZeroGrad"));
        Map<String, Object> kaiming = MiniJson.object(variants.get(1));
        assertEquals(Boolean.TRUE, kaiming.get("conv1EverNonZeroGrad"));
        for (String series : List.of("losses", "conv1Mean", "conv1Var", "conv2Mean", "conv2Var")) {
            assertEquals(3, MiniJson.array(kaiming.get(series)).size(), series);
        }
        Map<String, Object> derivation = MiniJson.object(conv.get("derivation"));
        assertTrue((Double) derivation.get("maxDifference") < 1e-12);
    }

    @Test
    void badOptionsGiveTheUsageAndExitStatusTwo(@TempDir Path out) {
        for (String[] args : List.of(small(out, "--variant", "ones"), small(out, "--epochs", "0"),
                small(out, "--size", "1"), small(out, "--lr", "-1"), small(out, "--momentum", "x"))) {
            CliRun run = CliRun.of(args);
            assertEquals(2, run.status, String.join(" ", args) + "\n" + run);
            assertTrue(run.err.contains("Usage: tapegrad-examples conv"), run.err);
        }
        assertFalse(Files.exists(out.resolve("report.md")));
    }
}
