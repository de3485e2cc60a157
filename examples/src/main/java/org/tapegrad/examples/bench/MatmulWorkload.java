package org.tapegrad.examples.bench;

import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Generator;
import org.tapegrad.autograd.Tensor;

/** Workload 5: the product of two n×n standard normal matrices of one type, not recorded (no grad). */
final class MatmulWorkload {
    private MatmulWorkload() {
    }

    static Runnable prepare(int n, DType dtype, long seed) {
        Generator generator = new Generator(seed);
        Tensor a = Tensor.randn(generator, dtype, n, n);
        Tensor b = Tensor.randn(generator, dtype, n, n);
        return () -> Sink.consume(a.matmul(b));
    }
}
