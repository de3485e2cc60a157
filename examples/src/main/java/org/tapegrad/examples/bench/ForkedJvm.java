package org.tapegrad.examples.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Runs a command of the examples jar in a child JVM with a fixed, pre-touched heap, as JMH forks a JVM
 * for each benchmark, and relays its output line by line.
 *
 * <p>Why: the workloads allocate tens of MB per run (the MLP's weight gradients alone are 51 MB), and a
 * JVM started with the default settings keeps growing its heap for seconds; each growth hands out
 * memory the kernel has never mapped, whose first touch costs page faults and zeroing on the
 * allocating thread. Runs in that phase took up to twice as long as steady ones on the machine.
 * {@code -Xms = -Xmx} with {@code -XX:+AlwaysPreTouch} does all of that once, at start-up.
 */
public final class ForkedJvm {
    /** A heap size as {@code -Xmx} takes it: digits and an optional unit. */
    private static final Pattern HEAP_SIZE = Pattern.compile("[1-9][0-9]*[kKmMgG]?");

    private ForkedJvm() {
    }

    /**
     * The JVM options of the child: a fixed heap of {@code heap}, touched at start-up.
     *
     * @throws IllegalArgumentException if heap is not a size such as {@code 2g} or {@code 512m}
     */
    public static List<String> jvmOptions(String heap) {
        if (heap == null || !HEAP_SIZE.matcher(heap).matches()) {
            throw new IllegalArgumentException("bench: --heap must be a size such as 2g or 512m, got '" + heap + "'");
        }
        return List.of("-Xms" + heap, "-Xmx" + heap, "-XX:+AlwaysPreTouch");
    }

    /**
     * The command line of the child: this JVM's {@code java} binary and class path, {@code options}, then
     * {@code mainClass} and {@code args}.
     */
    public static List<String> command(List<String> options, String mainClass, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(options);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(args);
        return command;
    }

    /**
     * Runs {@code command}, copying its standard output to {@code out} and its standard error to
     * {@code err} as the lines arrive, and returns its exit status.
     *
     * @throws IOException if the child cannot be started
     */
    public static int run(List<String> command, PrintStream out, PrintStream err)
            throws IOException, InterruptedException {
        Process child = new ProcessBuilder(command).start();
        child.getOutputStream().close();
        Thread errRelay = relay(child.getErrorStream(), err);
        relayLines(child.getInputStream(), out);
        int status = child.waitFor();
        errRelay.join();
        return status;
    }

    /** A line describing this JVM for the progress output: version, heap and options. */
    public static String describeThisJvm() {
        long maxHeapMb = Runtime.getRuntime().maxMemory() >> 20;
        return String.format("[bench] JVM: Java %s, max heap %d MB, options %s", System.getProperty("java.version"),
                maxHeapMb, ManagementFactory.getRuntimeMXBean().getInputArguments());
    }

    private static Thread relay(InputStream from, PrintStream to) {
        Thread thread = new Thread(() -> relayLines(from, to), "bench-stderr-relay");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void relayLines(InputStream from, PrintStream to) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(from, StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                to.println(line);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("bench: reading the child JVM's output failed", e);
        }
    }
}
