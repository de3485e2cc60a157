package org.tapegrad.examples;

import org.tapegrad.autograd.testing.MiniJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tapegrad.examples.depth.ChainConfig;

/** The {@code depth} subcommand, run small: what it prints, the report and chart it writes, its errors. */
class DepthCommandTest {
    private static final String[] SMALL = {"depth", "--layers", "30", "--units", "64", "--trials", "4"};

    private static String[] small(Path out, String... more) {
        String[] args = new String[SMALL.length + 2 + more.length];
        System.arraycopy(SMALL, 0, args, 0, SMALL.length);
        args[SMALL.length] = "--out";
        args[SMALL.length + 1] = out.toString();
        System.arraycopy(more, 0, args, SMALL.length + 2, more.length);
        return args;
    }

    @Test
    void printsEveryConfigurationAndWritesTheReportSectionAndChart(@TempDir Path out) throws Exception {
        CliRun run = CliRun.of(small(out));
        assertEquals(0, run.status, run.toString());
        assertTrue(run.out.contains("depth: 30-layer chain, 64 units, float32, seed 0"), run.out);
        for (ChainConfig config : ChainConfig.all()) {
            assertTrue(run.out.contains(config.label()), "missing " + config.label() + "\n" + run.out);
        }
        assertTrue(run.out.contains("divides uniform(-1, 1) by √(6/(m+h)) where Glorot multiplies"), run.out);
        assertTrue(run.out.contains("relu(a @ x)"), run.out);
        assertTrue(run.out.contains("Report: "), run.out);
        assertTrue(run.err.contains("[depth"), "progress goes to stderr: " + run.err);
        assertFalse(run.out.contains("[depth"), "no progress on stdout");
        String report = Files.readString(out.resolve("report.md"));
        assertTrue(report.contains("## Depth: the 30-layer chain"), report);
        assertTrue(report.contains("![per-layer std of every configuration](depth_std.png)"), report);
        assertTrue(report.contains("| weights | activation | final mean | final std | first NaN layer |"), report);
        assertTrue(report.contains("Why:"), report);
        ImageFiles.assertPng(out.resolve("depth_std.png"));
        try (var files = Files.list(out)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".tmp")), "no temporary files left");
        }
    }

    @Test
    void jsonModePrintsOnlyParseableJson(@TempDir Path out) {
        CliRun run = CliRun.of(small(out, "--json", "--config", "normal", "--config", "relu-kaiming"));
        assertEquals(0, run.status, run.toString());
        Map<String, Object> doc = MiniJson.object(MiniJson.parse(run.out));
        assertEquals(List.of(), doc.get("failed"));
        Map<String, Object> depth = MiniJson.object(MiniJson.object(doc.get("experiments")).get("depth"));
        assertEquals(30.0, depth.get("layers"));
        List<Object> configs = MiniJson.array(depth.get("configs"));
        assertEquals(2, configs.size());
        Map<String, Object> kaiming = MiniJson.object(configs.get(1));
        assertEquals("relu-kaiming", kaiming.get("id"));
        assertEquals(30, MiniJson.array(kaiming.get("std")).size());
        assertNull(kaiming.get("firstNanLayer"));
        assertEquals(7, MiniJson.array(depth.get("facts")).size());
    }

    @Test
    void float64IsAccepted(@TempDir Path out) {
        CliRun run = CliRun.of(small(out, "--dtype", "float64", "--config", "normal-scaled"));
        assertEquals(0, run.status, run.toString());
        assertTrue(run.out.contains("float64"), run.out);
    }

    @Test
    void badOptionsGiveTheUsageAndExitStatusTwo(@TempDir Path out) {
        for (String[] args : List.of(
                new String[] {"depth", "--layers", "0", "--out", out.toString()},
                new String[] {"depth", "--units", "many", "--out", out.toString()},
                new String[] {"depth", "--dtype", "float16", "--out", out.toString()},
                new String[] {"depth", "--config", "nope", "--out", out.toString()},
                new String[] {"depth", "--no-such-option"})) {
            CliRun run = CliRun.of(args);
            assertEquals(2, run.status, String.join(" ", args) + "\n" + run);
            assertTrue(run.err.contains("Usage: tapegrad-examples depth"), run.err);
        }
        assertFalse(Files.exists(out.resolve("report.md")), "nothing is written for bad options");
    }

    @Test
    void helpDescribesTheOptions() {
        CliRun run = CliRun.of("depth", "--help");
        assertEquals(0, run.status, run.toString());
        for (String option : List.of("--layers", "--units", "--trials", "--config", "--seed", "--dtype", "--json",
                "--out")) {
            assertTrue(run.out.contains(option), option + " missing from\n" + run.out);
        }
    }
}
