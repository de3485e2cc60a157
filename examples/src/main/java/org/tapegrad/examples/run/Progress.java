package org.tapegrad.examples.run;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress lines for long runs, such as {@code [depth 3/17] N(0,1)/√512, tanh}. The jar sends them to
 * stderr, so that stdout carries only the results (and only JSON with {@code --json}).
 */
public final class Progress {
    private final PrintStream out;
    private final long start = System.nanoTime();

    /** Progress written to {@code out}; null discards it. */
    public Progress(PrintStream out) {
        this.out = out;
    }

    /** A progress that discards everything. */
    public static Progress silent() {
        return new Progress(null);
    }

    /** Reports that step {@code done} of {@code total} of {@code experiment} is starting. */
    public void step(String experiment, int done, int total, String what) {
        if (out != null) {
            out.printf(Locale.ROOT, "[%s %d/%d %.1fs] %s%n", experiment, done, total, seconds(), what);
            out.flush();
        }
    }

    /** A free-form progress line. */
    public void note(String line) {
        if (out != null) {
            out.printf(Locale.ROOT, "[%.1fs] %s%n", seconds(), line);
            out.flush();
        }
    }

    /** Seconds since this progress was created. */
    public double seconds() {
        return (System.nanoTime() - start) / 1e9;
    }
}
