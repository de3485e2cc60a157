package org.tapegrad.examples;

import org.tapegrad.autograd.testing.MiniJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code formulas} subcommand. */
class FormulasCommandTest {
    @Test
    void printsFansGainsAndEveryInitialisersStd(@TempDir Path out) throws Exception {
        CliRun run = CliRun.of("formulas", "--out", out.toString());
        assertEquals(0, run.status, run.toString());
        assertTrue(run.out.contains("Linear(512, 256): weight [256, 512], fan_in = 512, fan_out = 256"), run.out);
        assertTrue(run.out.contains("Conv2d(64, 128, 3): weight [128, 64, 3, 3], fan_in = 576, fan_out = 1152"),
                run.out);
        for (String name : List.of("xavierUniform_(w)", "kaimingNormal_(w, fan_out, relu)", "xavier, FAN_IN (default)",
                "msra, AVERAGE", "lecun_normal", "he_uniform", "orthogonal_(w)")) {
            assertTrue(run.out.contains(name), name);
        }
        String report = Files.readString(out.resolve("report.md"));
        assertTrue(report.contains("## Formulas: fans, gains and every initialiser's scale"), report);
        assertTrue(report.contains("| family | initialiser | std formula | std | bound | measured std | difference |"),
                report);
    }

    @Test
    void jsonListsBothWeights(@TempDir Path out) {
        CliRun run = CliRun.of("formulas", "--json", "--out", out.toString());
        assertEquals(0, run.status, run.toString());
        Map<String, Object> formulas = MiniJson.object(MiniJson.object(MiniJson.object(MiniJson.parse(run.out))
                .get("experiments")).get("formulas"));
        List<Object> weights = MiniJson.array(formulas.get("weights"));
        assertEquals(2, weights.size());
        Map<String, Object> conv = MiniJson.object(weights.get(1));
        assertEquals(576.0, conv.get("fanIn"));
        assertEquals(1152.0, conv.get("fanOut"));
    }

    @Test
    void anUnknownDtypeIsAUsageError() {
        CliRun run = CliRun.of("formulas", "--dtype", "int8");
        assertEquals(2, run.status, run.toString());
        assertTrue(run.err.contains("expected float32 or float64"), run.err);
    }
}
