package org.tapegrad.examples;

import java.nio.file.Path;
import java.util.Locale;
import org.tapegrad.autograd.DType;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The options every experiment command takes: {@code --seed}, {@code --dtype}, {@code --json}, {@code --out}. */
final class CommonOptions {
    @Option(names = "--seed", paramLabel = "N", defaultValue = "0",
            description = "seed of the random numbers (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--dtype", paramLabel = "TYPE", defaultValue = "float32", converter = DTypeConverter.class,
            description = "float32 or float64 (default: ${DEFAULT-VALUE})")
    DType dtype;

    @Option(names = "--json", description = "print a machine-readable JSON summary on stdout instead of prose")
    boolean json;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "tapegrad-out",
            description = "directory for report.md and the charts (default: ${DEFAULT-VALUE})")
    Path out;

    /** Parses {@code float32}/{@code float64} (any case). */
    static final class DTypeConverter implements CommandLine.ITypeConverter<DType> {
        @Override
        public DType convert(String value) {
            for (DType t : DType.values()) {
                if (t.toString().equals(value.toLowerCase(Locale.ROOT))) {
                    return t;
                }
            }
            throw new CommandLine.TypeConversionException("expected float32 or float64 but was '" + value + "'");
        }
    }
}
