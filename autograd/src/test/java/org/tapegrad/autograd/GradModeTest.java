package org.tapegrad.autograd;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** {@link GradMode#noGrad()}: records nothing, is per thread, and its scopes nest and restore. */
class GradModeTest {

    private static Tensor leaf() {
        return Tensor.of(new double[] {1, 2, 3}, 3).requiresGrad(true);
    }

    @Test
    void insideNoGradOperationsRecordNothing() {
        Tensor x = leaf();
        Tensor y;
        try (GradMode.NoGrad ignored = GradMode.noGrad()) {
            y = x.mul(2).exp().sum();
        }
        assertFalse(y.requiresGrad());
        assertNull(y.gradFn());
        assertTrue(y.isLeaf());
    }

    @Test
    void noGradIsThreadLocalSoAnotherThreadStillRecords() throws InterruptedException {
        Tensor x = leaf();
        AtomicReference<Tensor> fromOtherThread = new AtomicReference<>();
        AtomicReference<Boolean> enabledThere = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        try (GradMode.NoGrad ignored = GradMode.noGrad()) {
            Thread other = new Thread(() -> {
                enabledThere.set(GradMode.isEnabled());
                fromOtherThread.set(x.mul(2));
                done.countDown();
            });
            other.start();
            done.await();
            assertFalse(GradMode.isEnabled());
            assertNull(x.mul(2).gradFn());
        }
        assertTrue(enabledThere.get());
        assertNotNull(fromOtherThread.get().gradFn());
        assertTrue(fromOtherThread.get().requiresGrad());
    }

    @Test
    void nestedNoGradScopesRestoreThePreviousModeWhenClosed() {
        assertTrue(GradMode.isEnabled());
        try (GradMode.NoGrad outer = GradMode.noGrad()) {
            try (GradMode.NoGrad inner = GradMode.noGrad()) {
                assertFalse(GradMode.isEnabled());
            }
            assertFalse(GradMode.isEnabled(), "closing the inner scope must leave the outer one in force");
            assertNull(leaf().exp().gradFn());
        }
        assertTrue(GradMode.isEnabled());
        assertNotNull(leaf().exp().gradFn());
    }

    @Test
    void enableGradInsideNoGradRecordsAndClosingItRestoresNoGrad() {
        try (GradMode.NoGrad outer = GradMode.noGrad()) {
            try (GradMode.NoGrad inner = GradMode.enableGrad()) {
                assertNotNull(leaf().exp().gradFn());
            }
            assertFalse(GradMode.isEnabled());
        }
        assertTrue(GradMode.isEnabled());
    }

    @Test
    void closingAScopeTwiceRestoresOnlyOnce() {
        GradMode.NoGrad outer = GradMode.noGrad();
        GradMode.NoGrad inner = GradMode.noGrad();
        inner.close();
        outer.close();
        inner.close();
        assertTrue(GradMode.isEnabled());
    }
}
