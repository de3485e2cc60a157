package org.tapegrad.examples.conformance;

/** A family whose cases are named {@code <prefix>} or {@code <prefix>_…}; the prefix is also its id. */
abstract class PrefixFamily implements CaseFamily {
    private final String prefix;

    PrefixFamily(String prefix) {
        this.prefix = prefix;
    }

    @Override
    public final String id() {
        return prefix;
    }

    @Override
    public final boolean handles(String caseName) {
        return CaseFamily.matches(caseName, prefix);
    }
}
