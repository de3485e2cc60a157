package org.tapegrad.autograd;

/**
 * Whether operations on this thread record themselves on the tape. Recording is on by default; a
 * {@link NoGrad} scope turns it off:
 *
 * <pre>{@code
 * try (NoGrad ignored = GradMode.noGrad()) {
 *     weight.subInPlace(weight.grad().mul(lr));   // not recorded
 * }
 * }</pre>
 *
 * <p>The setting is thread-local, like PyTorch's {@code torch.no_grad()}.
 */
public final class GradMode {
    private static final ThreadLocal<Boolean> ENABLED = ThreadLocal.withInitial(() -> Boolean.TRUE);

    private GradMode() {
    }

    /** Whether operations on this thread currently record nodes. */
    public static boolean isEnabled() {
        return ENABLED.get();
    }

    /** Opens a scope in which nothing is recorded; closing it restores the previous setting. */
    public static NoGrad noGrad() {
        return new NoGrad(setEnabled(false));
    }

    /** Opens a scope in which recording is on, even inside a {@link NoGrad} scope. */
    public static NoGrad enableGrad() {
        return new NoGrad(setEnabled(true));
    }

    static boolean setEnabled(boolean enabled) {
        boolean previous = ENABLED.get();
        ENABLED.set(enabled);
        return previous;
    }

    /** A try-with-resources scope that restores the previous grad mode when closed. */
    public static final class NoGrad implements AutoCloseable {
        private final boolean previous;
        private boolean closed;

        private NoGrad(boolean previous) {
            this.previous = previous;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                ENABLED.set(previous);
            }
        }
    }
}
