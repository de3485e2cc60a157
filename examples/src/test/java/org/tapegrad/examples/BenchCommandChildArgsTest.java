package org.tapegrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** What {@code bench} hands the child JVM it runs the workloads in. */
class BenchCommandChildArgsTest {

    @Test
    void theChildGetsEveryOptionGivenAndRunsInProcess() {
        BenchCommand command = new BenchCommand();
        new CommandLine(command).parseArgs("--threads", "2", "--runs", "3", "--warmup", "0.5", "--workload", "mlp",
                "--workload", "cnn", "--seed", "7", "--heap", "1g", "--quick");
        assertEquals(List.of("bench", "--in-process", "--runs", "3", "--seed", "7", "--threads", "2", "--warmup", "0.5",
                "--workload", "mlp", "--workload", "cnn", "--quick"), command.childArgs());
    }

    @Test
    void optionsLeftOutStayLeftOutSoTheChildUsesItsDefaults() {
        BenchCommand command = new BenchCommand();
        new CommandLine(command).parseArgs();
        assertEquals(List.of("bench", "--in-process", "--runs", "5", "--seed", "0"), command.childArgs());
    }
}
