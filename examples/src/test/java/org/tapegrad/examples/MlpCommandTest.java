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
import org.tapegrad.examples.mlp.LayerInit;

/** The {@code mlp} subcommand, run small. */
class MlpCommandTest {
    private static String[] small(Path out, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("mlp", "--layers", "12", "--units", "32", "--batch", "4",
                "--out", out.toString()));
        args.addAll(List.of(more));
        return args.toArray(new String[0]);
    }

    @Test
    void printsTheArticlesSetUpsAndEveryLibraryInitialiser(@TempDir Path out) throws Exception {
        CliRun run = CliRun.of(small(out));
        assertEquals(0, run.status, run.toString());
        assertTrue(run.out.contains("mlp: 12 × Linear(32, 32, no bias), batch 4, float32, seed 0"), run.out);
        assertTrue(run.out.contains("xavierUniform_(w, gain = calculateGain(\"tanh\")), tanh"), run.out);
        assertTrue(run.out.contains("kaimingNormal_(w, fan_in, \"relu\"), relu"), run.out);
        for (LayerInit init : LayerInit.library()) {
            assertTrue(run.out.contains(init.call()), "missing " + init.call());
        }
        assertTrue(run.out.contains("dead from layer 1"), "zeros_ kills the network at once:\n" + run.out);
        String report = Files.readString(out.resolve("report.md"));
        assertTrue(report.contains("## MLP: 12 Linear layers and every initialiser"), report);
        for (String chart : List.of("mlp_article.png", "mlp_library_tanh.png", "mlp_library_relu.png")) {
            assertTrue(report.contains("(" + chart + ")"), chart);
            ImageFiles.assertPng(out.resolve(chart));
        }
    }

    @Test
    void jsonHasOneEntryPerRunWithItsPerLayerStd(@TempDir Path out) {
        CliRun run = CliRun.of(small(out, "--json"));
        assertEquals(0, run.status, run.toString());
        Map<String, Object> mlp = MiniJson.object(MiniJson.object(MiniJson.object(MiniJson.parse(run.out))
                .get("experiments")).get("mlp"));
        List<Object> article = MiniJson.array(mlp.get("article"));
        assertEquals(6, article.size());
        assertEquals(2 * LayerInit.library().size(), MiniJson.array(mlp.get("library")).size());
        Map<String, Object> first = MiniJson.object(article.get(0));
        assertEquals(12, MiniJson.array(first.get("std")).size());
    }

    @Test
    void withoutTheLibrarySweepOnlyTheArticleRuns(@TempDir Path out) throws Exception {
        CliRun run = CliRun.of(small(out, "--no-library"));
        assertEquals(0, run.status, run.toString());
        assertTrue(!run.out.contains("every initialiser of the library"), run.out);
        assertTrue(!Files.exists(out.resolve("mlp_library_tanh.png")));
    }

    @Test
    void badOptionsGiveTheUsageAndExitStatusTwo(@TempDir Path out) {
        for (String[] args : List.of(new String[] {"mlp", "--batch", "1", "--out", out.toString()},
                new String[] {"mlp", "--layers", "-3"}, new String[] {"mlp", "--units"})) {
            CliRun run = CliRun.of(args);
            assertEquals(2, run.status, String.join(" ", args) + "\n" + run);
            assertTrue(run.err.contains("Usage: tapegrad-examples mlp"), run.err);
        }
    }
}
