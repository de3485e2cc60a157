package org.tapegrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Generator;
import org.tapegrad.autograd.Tape;
import org.tapegrad.autograd.Tensor;
import org.tapegrad.nn.CrossEntropyLoss;
import org.tapegrad.nn.Linear;
import org.tapegrad.nn.ReLU;
import org.tapegrad.nn.Sequential;
import org.tapegrad.nn.optim.SGD;

/** The code of the README's tour, run as written: a newcomer who copies it gets what the text says. */
class ReadmeTourTest {
    @Test
    void theTapeListsTheOperationsInTheOrderTheyRan() {
        Tensor x = Tensor.randn(new Generator(0), DType.FLOAT64, 4, 3);
        Tensor w = Tensor.randn(new Generator(1), DType.FLOAT64, 2, 3).requiresGrad(true);
        Tensor loss = x.matmul(w.t()).tanh().pow(2).mean();
        loss.backward();
        assertNotNull(w.grad());
        assertEquals(List.of("transpose [3, 2]", "matmul [4, 2]", "tanh [4, 2]", "pow [4, 2]", "mean []"),
                Tape.of(loss).entries().stream().map(Tape.Entry::toString).toList());
    }

    @Test
    void theShortTrainingLoopLowersTheLoss() {
        Generator.manualSeed(0);
        Sequential model = new Sequential(new Linear(10, 16), new ReLU(), new Linear(16, 4));
        SGD optimizer = new SGD(model.parameters(), 0.1, 0.9);
        CrossEntropyLoss criterion = new CrossEntropyLoss();
        Tensor inputs = Tensor.randn(32, 10);
        Tensor labels = Tensor.randint(new Generator(0), 0, 4, DType.FLOAT32, 32);
        double first = Double.NaN;
        double last = Double.NaN;
        for (int step = 0; step < 100; step++) {
            optimizer.zeroGrad();
            Tensor loss = criterion.forward(model.forward(inputs), labels);
            loss.backward();
            optimizer.step();
            if (step == 0) {
                first = loss.item();
            }
            last = loss.item();
        }
        assertTrue(last < first / 2, "loss went from " + first + " to " + last);
    }
}
