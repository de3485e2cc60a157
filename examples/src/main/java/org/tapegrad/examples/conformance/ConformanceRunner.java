package org.tapegrad.examples.conformance;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Runs a directory of PyTorch reference cases ({@code *.npz}) through tapegrad. Each case is
 * dispatched on its name to the {@link CaseFamily} that handles it; a case no family handles fails
 * (it is never skipped), and so does a case whose computation throws.
 */
public final class ConformanceRunner {
    private final List<CaseFamily> families;

    /** A runner over every family tapegrad implements. */
    public ConformanceRunner() {
        this(allFamilies());
    }

    public ConformanceRunner(List<CaseFamily> families) {
        this.families = List.copyOf(families);
    }

    /** Every family, in the order of the reference README. */
    public static List<CaseFamily> allFamilies() {
        List<CaseFamily> all = new ArrayList<>(TensorOpFamilies.all());
        all.addAll(LayerFamilies.all());
        all.add(new InitFamily());
        all.addAll(TrainingFamilies.all());
        all.add(new SeedExperimentFamily());
        return all;
    }

    /** The outcome of one case. */
    public record Result(String caseName, String family, boolean passed, double worstRatio, double worstAbsolute,
            List<String> failures) {
        /** One line: {@code PASS name  worst error …} or {@code FAIL name  first failure}. */
        public String line() {
            String status = passed ? "PASS" : "FAIL";
            String detail = passed
                    ? String.format(Locale.ROOT, "worst error %.3g (%.3g of the tolerance)", worstAbsolute, worstRatio)
                    : String.join("; ", failures);
            return String.format(Locale.ROOT, "%s %-36s %s", status, caseName, detail);
        }
    }

    /** The family that handles {@code caseName}, if any. */
    public Optional<CaseFamily> familyOf(String caseName) {
        return families.stream().filter(f -> f.handles(caseName)).findFirst();
    }

    /**
     * Runs every {@code .npz} case in {@code directory}, in name order.
     *
     * @param onlyFamilies if not null, cases of other families are left out (used while a family is
     *                     still being built; the command line always runs everything)
     * @throws IOException if the directory cannot be listed
     */
    public List<Result> run(Path directory, Set<String> onlyFamilies) throws IOException {
        if (!Files.isDirectory(directory)) {
            throw new IOException("conformance: " + directory + " is not a directory");
        }
        List<Path> files;
        try (Stream<Path> listing = Files.list(directory)) {
            files = listing.filter(p -> p.getFileName().toString().endsWith(".npz")).sorted().toList();
        }
        List<Result> results = new ArrayList<>();
        for (Path file : files) {
            String name = file.getFileName().toString().replaceFirst("\\.npz$", "");
            Optional<CaseFamily> family = familyOf(name);
            if (onlyFamilies != null && (family.isEmpty() || !onlyFamilies.contains(family.get().id()))) {
                continue;
            }
            results.add(runCase(file, name, family));
        }
        return results;
    }

    private Result runCase(Path file, String name, Optional<CaseFamily> family) {
        if (family.isEmpty()) {
            return new Result(name, "?", false, 0, 0, List.of("no family handles a case named '" + name + "'"));
        }
        CaseFamily f = family.get();
        try {
            ReferenceCase c = ReferenceCase.read(file);
            CaseReport report = new CaseReport(c, f.tolerance(c));
            f.check(c, report);
            return new Result(name, f.id(), report.passed(), report.worstRatio(), report.worstAbsolute(),
                    report.failures());
        } catch (Exception | AssertionError e) {
            return new Result(name, f.id(), false, 0, 0, List.of(e.getClass().getSimpleName() + ": " + e.getMessage()));
        }
    }

    /**
     * Prints one line per result and the closing line {@code N passed, M failed}.
     *
     * @return true when every case passed and there was at least one
     */
    public static boolean print(List<Result> results, PrintStream out) {
        long passed = results.stream().filter(Result::passed).count();
        long failed = results.size() - passed;
        for (Result r : results) {
            out.println(r.line());
        }
        out.println(passed + " passed, " + failed + " failed");
        return failed == 0 && passed > 0;
    }
}
