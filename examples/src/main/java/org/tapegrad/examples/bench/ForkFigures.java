package org.tapegrad.examples.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The figures of several child JVMs ("forks") of {@code bench}, combined: each key's figure is the
 * median of the forks' figures (the mean of the middle two for an even count).
 *
 * <p>Why several JVMs: on the 2-core machine, periods of seconds came and went in which work that
 * moves data between the two cores ran at half speed (the MLP: 40 ms per run instead of 20). A period
 * outlasts a workload's few timed runs, so a median over the runs of one JVM cannot pass over it; a
 * median over JVMs whose timed runs are about a minute apart can, as JMH's forks smooth over
 * differences between JVM runs.
 *
 * <p>Reads the flat JSON objects {@code bench --in-process} prints: string keys, numeric values.
 */
public final class ForkFigures {
    private static final Pattern MEMBER = Pattern.compile(
            "\"([^\"\\\\]+)\"\\s*:\\s*(-?[0-9]+(?:\\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)");
    private static final Pattern OBJECT = Pattern.compile("\\s*\\{[^{}]*}\\s*");

    private final Map<String, List<Double>> figures = new LinkedHashMap<>();
    private int forks;

    /**
     * Adds one fork's output.
     *
     * @param json the fork's standard output: one JSON object of numbers
     * @throws IllegalArgumentException if it is not such an object, or its keys differ from the first fork's
     */
    public void add(String json) {
        if (!OBJECT.matcher(json).matches()) {
            throw new IllegalArgumentException("bench: a child JVM printed no JSON object of figures: '" + json.strip()
                    + "'");
        }
        Map<String, Double> fork = new LinkedHashMap<>();
        Matcher member = MEMBER.matcher(json);
        while (member.find()) {
            fork.put(member.group(1), Double.parseDouble(member.group(2)));
        }
        if (forks > 0 && !fork.keySet().equals(figures.keySet())) {
            throw new IllegalArgumentException("bench: child JVM " + (forks + 1) + " reported " + fork.keySet()
                    + ", the first one " + figures.keySet());
        }
        fork.forEach((key, value) -> figures.computeIfAbsent(key, k -> new ArrayList<>()).add(value));
        forks++;
    }

    /** Forks added so far. */
    public int forks() {
        return forks;
    }

    /** Each fork's figure for {@code key}, in the order the forks were added; empty if the key is unknown. */
    public List<Double> of(String key) {
        return List.copyOf(figures.getOrDefault(key, List.of()));
    }

    /**
     * How far apart the forks' figures for {@code key} are: the largest over the smallest, 1 when they
     * agree (or there is one fork); NaN if the key is unknown or a figure is not positive.
     */
    public double spread(String key) {
        List<Double> values = figures.get(key);
        if (values == null) {
            return Double.NaN;
        }
        double min = Double.POSITIVE_INFINITY;
        double max = 0;
        for (double v : values) {
            if (!(v > 0)) {
                return Double.NaN;
            }
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        return max / min;
    }

    /** The keys, in the first fork's order. */
    public List<String> keys() {
        return List.copyOf(figures.keySet());
    }

    /** Each key's median over the forks, in the first fork's key order. */
    public Map<String, Double> medians() {
        Map<String, Double> medians = new LinkedHashMap<>();
        figures.forEach((key, values) -> medians.put(key,
                Benchmark.median(values.stream().mapToDouble(Double::doubleValue).toArray())));
        return medians;
    }
}
