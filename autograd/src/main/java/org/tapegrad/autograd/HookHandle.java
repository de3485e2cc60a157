package org.tapegrad.autograd;

/** Returned by {@code registerHook} methods; {@link #remove()} unregisters the hook. */
@FunctionalInterface
public interface HookHandle {
    /** Unregisters the hook. Calling it again does nothing. */
    void remove();
}
