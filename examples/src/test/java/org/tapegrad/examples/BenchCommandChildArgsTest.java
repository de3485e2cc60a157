package org.tapegrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** What {@code bench} hands the child JVMs it runs the workloads in, and what it says of their figures. */
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
    void figuresWhoseJvmsDifferByMoreThanHalfAgainAreFlagged() {
        assertEquals("[bench] mlp100x256_b16_fwd_bwd_s: the JVMs differ by 2.2×: the machine was not steady "
                + "(see PERFORMANCE.md); run again, or with more --forks",
                BenchCommand.unsteadyNote("mlp100x256_b16_fwd_bwd_s", 0.0463 / 0.0211));
        assertNull(BenchCommand.unsteadyNote("chain100x512_matvec_only_s", 1.5));
        assertNull(BenchCommand.unsteadyNote("chain100x512_matvec_only_s", Double.NaN));
    }

    @Test
    void optionsLeftOutStayLeftOutSoTheChildUsesItsDefaults() {
        BenchCommand command = new BenchCommand();
        new CommandLine(command).parseArgs();
        assertEquals(List.of("bench", "--in-process", "--runs", "5", "--seed", "0"), command.childArgs());
    }
}
