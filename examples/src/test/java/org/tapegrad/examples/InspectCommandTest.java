package org.tapegrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tapegrad.autograd.DType;
import org.tapegrad.nn.inspect.GradientFlowReport;
import org.tapegrad.nn.inspect.Verdict;
import picocli.CommandLine;

/** The {@code inspect} command on small versions of the seed models: verdicts, JSON, chart and errors. */
class InspectCommandTest {

    /** One run of the command with standard output and error captured. */
    private static final class Run {
        final int status;
        final String out;
        final String err;

        Run(String... args) {
            PrintStream oldOut = System.out;
            PrintStream oldErr = System.err;
            ByteArrayOutputStream outBuffer = new ByteArrayOutputStream();
            ByteArrayOutputStream errBuffer = new ByteArrayOutputStream();
            System.setOut(new PrintStream(outBuffer, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(errBuffer, true, StandardCharsets.UTF_8));
            try {
                status = new CommandLine(new InspectCommand()).execute(args);
            } finally {
                System.setOut(oldOut);
                System.setErr(oldErr);
            }
            out = outBuffer.toString(StandardCharsets.UTF_8);
            err = errBuffer.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void zeroInitialisedConvSeedIsDeadWithTheReason() {
        Run run = new Run("--model", "conv", "--init", "zeros", "--size", "8");
        assertEquals(0, run.status, run.err);
        assertTrue(run.out.startsWith("inspect: model conv (8×8), init zeros, float32, seed 0\n"), run.out);
        assertTrue(run.out.contains("\nconv1: DEAD - conv1's weights are zero and no gradient reaches its output"), run.out);
        assertTrue(run.out.contains("\nconv2: DEAD - input to conv2 is all zeros because conv1's weights are zero"),
                run.out);
    }

    @Test
    void convSeedVariantsGetTheirVerdicts() {
        assertEquals(Verdict.HEALTHY, verdict("single-conv", "zeros", "conv2"));
        assertEquals(Verdict.SYMMETRIC, verdict("conv", "const5", "conv1"));
        assertTrue(InspectCommand.inspect(small("conv", "kaiming-normal")).isHealthy());
    }

    private static InspectCommand.Setup small(String model, String init) {
        return new InspectCommand.Setup(model, init, null, null, null, 8, DType.FLOAT64, 0, 0, 0.01);
    }

    private static Verdict verdict(String model, String init, String layer) {
        return InspectCommand.inspect(small(model, init)).verdict(layer).verdict();
    }

    @Test
    void depthChainWithStandardNormalWeightsExplodes() {
        Run run = new Run("--model", "depth", "--init", "normal", "--depth", "40", "--width", "128");
        assertEquals(0, run.status, run.err);
        assertTrue(run.out.contains("\nfc39: EXPLODING - its input already holds ±Infinity or NaN"), run.out);
    }

    @Test
    void mlpWithSmallWeightsVanishes() {
        Run run = new Run("--model", "mlp", "--init", "scaled001", "--depth", "12", "--width", "64");
        assertEquals(0, run.status, run.err);
        assertTrue(run.out.contains("model mlp (12 × 64, tanh)"), run.out);
        assertTrue(run.out.contains("\nfc11: VANISHING - activation std is"), run.out);
        assertTrue(run.out.contains("\nfc0: VANISHING - std of the gradient at its output is"), run.out);
    }

    @Test
    void mlpWithUniformWeightsAndSigmoidSaturates() {
        Run run = new Run("--model", "mlp", "--init", "uniform01", "--activation", "sigmoid", "--depth", "3",
                "--width", "32");
        assertEquals(0, run.status, run.err);
        assertTrue(run.out.contains("\nfc2: SATURATED - "), run.out);
    }

    @Test
    void everyInitialiserRunsOnEverySeedModel() {
        for (String init : InspectCommand.Initialiser.names()) {
            for (String model : InspectCommand.MODELS) {
                GradientFlowReport report = InspectCommand.inspect(new InspectCommand.Setup(model, init, null, 3, 8, 5,
                        DType.FLOAT32, 1, 0, 0.01));
                assertFalse(report.layers().isEmpty(), model + " " + init);
            }
        }
    }

    @Test
    void jsonIsOneWellFormedObject() {
        Run run = new Run("--model", "conv", "--init", "const5", "--size", "6", "--dtype", "float64", "--json");
        assertEquals(0, run.status, run.err);
        String json = run.out.strip();
        assertTrue(json.startsWith("{\n  \"loss\": ") && json.endsWith("}"), json);
        assertTrue(balancedOutsideStrings(json), json);
        assertTrue(json.contains("\"name\": \"conv1\"") && json.contains("\"verdict\": \"SYMMETRIC\""), json);
        assertFalse(json.contains("NaN") || json.contains("Infinity"), "JSON has no NaN literal: " + json);
    }

    /** Brackets and braces nest properly outside string literals (the full parse is tested in nn). */
    private static boolean balancedOutsideStrings(String json) {
        StringBuilder open = new StringBuilder();
        boolean inString = false;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                open.append(c);
            } else if (c == '}' || c == ']') {
                if (open.length() == 0 || open.charAt(open.length() - 1) != (c == '}' ? '{' : '[')) {
                    return false;
                }
                open.setLength(open.length() - 1);
            }
        }
        return open.length() == 0 && !inString;
    }

    @Test
    void outWritesAReadablePngChart(@TempDir Path dir) throws Exception {
        Run run = new Run("--model", "mlp", "--init", "kaiming-normal", "--activation", "relu", "--depth", "6",
                "--width", "16", "--out", dir.resolve("charts").toString());
        assertEquals(0, run.status, run.err);
        Path png = dir.resolve("charts").resolve("inspect-mlp-kaiming-normal.png");
        assertTrue(run.out.contains("chart: " + png), run.out);
        BufferedImage image = ImageIO.read(png.toFile());
        assertNotNull(image, "not a readable image");
        assertEquals(900, image.getWidth());
        assertEquals(500, image.getHeight());
    }

    @Test
    void aChartOfADeadNetworkStillRenders(@TempDir Path dir) throws Exception {
        Run run = new Run("--model", "conv", "--init", "zeros", "--size", "6", "--json", "--out", dir.toString());
        assertEquals(0, run.status, run.err);
        assertTrue(run.err.contains("chart: "), "with --json the chart's path goes to standard error");
        assertNotNull(ImageIO.read(Files.newInputStream(dir.resolve("inspect-conv-zeros.png"))));
    }

    @Test
    void stepsTrainBeforeInspecting() {
        Run run = new Run("--model", "conv", "--init", "kaiming-uniform", "--size", "6", "--steps", "2", "--lr", "0.1");
        assertEquals(0, run.status, run.err);
        assertTrue(run.out.contains(", 2 SGD steps at lr 0.1\nGradient flow: loss "), run.out);
        assertTrue(run.out.contains(", after 2 SGD steps\n"), run.out);
    }

    @Test
    void anUnknownInitialiserIsAUsageErrorListingTheKnownOnes() {
        Run run = new Run("--init", "glorious");
        assertEquals(2, run.status);
        assertTrue(run.err.contains("--init: unknown initialiser 'glorious'; known: [zeros, ones, const5, normal,"),
                run.err);
    }

    @Test
    void theConvSeedHasNoActivationOption() {
        Run run = new Run("--model", "conv", "--activation", "tanh");
        assertEquals(2, run.status);
        assertTrue(run.err.contains("--activation applies to mlp and depth; the conv seed uses ReLU"), run.err);
    }

    @Test
    void helpListsTheInitialisers() {
        Run run = new Run("--help");
        assertEquals(0, run.status);
        assertTrue(run.out.replaceAll("\\s+", " ").contains("kaiming-normal, kaiming-normal-fan-out, orthogonal,"),
                run.out);
    }
}
