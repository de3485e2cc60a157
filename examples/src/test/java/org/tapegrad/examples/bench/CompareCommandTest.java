package org.tapegrad.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tapegrad.autograd.testing.MiniJson;

/**
 * The {@code compare} command at the hidden {@code --quick} sizes, with this test's own class path as each
 * build (each loaded by a class loader of its own, as a jar would be).
 */
class CompareCommandTest {
    private static final String THIS_BUILD = System.getProperty("java.class.path");

    @Test
    void timesEveryBuildByTurnsAndReportsEachOverTheFirst() {
        CommandRun run = CommandRun.of("compare", "--quick", "--workload", "mlp", "--threads", "1", "--seconds", "0",
                "--per-turn", "2", THIS_BUILD, THIS_BUILD);
        assertEquals(0, run.status(), run.err());
        Map<String, Object> json = MiniJson.object(MiniJson.parse(run.out()));
        assertEquals(List.of("workload", "threads", "builds"), List.copyOf(json.keySet()), run.out());
        assertEquals("mlp", json.get("workload"));
        assertEquals(1, ((Number) json.get("threads")).intValue());
        List<?> builds = (List<?>) json.get("builds");
        assertEquals(2, builds.size(), run.out());
        for (Object b : builds) {
            Map<String, Object> build = MiniJson.object(b);
            assertEquals(THIS_BUILD, build.get("build"));
            assertEquals(2, ((Number) build.get("runs")).intValue(), "one turn of --per-turn runs each:\n" + run.out());
            double median = ((Number) build.get("median_s")).doubleValue();
            double p25 = ((Number) build.get("p25_s")).doubleValue();
            double p75 = ((Number) build.get("p75_s")).doubleValue();
            assertTrue(0 < p25 && p25 <= median && median <= p75, run.out());
        }
        assertEquals(1.0, ((Number) MiniJson.object(builds.get(0)).get("median_over_first")).doubleValue());
    }

    @Test
    void aPathThatDoesNotExistIsRefusedNamingIt() {
        CommandRun run = CommandRun.of("compare", "--quick", "--seconds", "0", THIS_BUILD, "no/such/tapegrad-examples.jar");
        assertEquals(2, run.status());
        assertTrue(run.err().contains("compare: no such file or directory: no/such/tapegrad-examples.jar"), run.err());
    }

    @Test
    void aPathWithoutTapegradIsRefusedAsNotABuild(@TempDir Path empty) {
        CommandRun run = CommandRun.of("compare", "--quick", "--seconds", "0", THIS_BUILD, empty.toString());
        assertEquals(2, run.status());
        assertTrue(run.err().contains("compare: " + empty + " is not a build of tapegrad's examples"), run.err());
    }

    @Test
    void anUnknownWorkloadIsRefusedWithTheKnownNames() {
        CommandRun run = CommandRun.of("compare", "--quick", "--seconds", "0", "--workload", "resnet", THIS_BUILD, THIS_BUILD);
        assertEquals(2, run.status());
        assertTrue(run.err().contains("bench: unknown workload 'resnet'; known: seedexp"), run.err());
    }

    @Test
    void oneBuildIsNotAComparison() {
        CommandRun run = CommandRun.of("compare", "--quick", THIS_BUILD);
        assertEquals(2, run.status());
        assertTrue(run.err().contains("BUILD"), run.err());
    }
}
