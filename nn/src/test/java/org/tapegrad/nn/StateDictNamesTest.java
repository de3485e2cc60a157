package org.tapegrad.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tapegrad.autograd.Tensor;

/** Names and order of parameters and state as PyTorch reports them for the same models. */
class StateDictNamesTest {

    /** The golden small CNN: Conv2d(1,4,3,padding=1)-BatchNorm2d(4)-ReLU-MaxPool2d(2)-Flatten-Linear(64,3). */
    private static Sequential smallCnn() {
        return new Sequential(new Conv2d(1, 4, 3, 1, 1), new BatchNorm2d(4), new ReLU(), new MaxPool2d(2),
                new Flatten(), new Linear(64, 3));
    }

    @Test
    void smallCnnStateDictKeysMatchPyTorch() {
        // PyTorch: list(model.state_dict().keys())
        assertEquals(List.of("0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var",
                "1.num_batches_tracked", "5.weight", "5.bias"), List.copyOf(smallCnn().stateDict().keySet()));
    }

    @Test
    void withoutFlattenTheLinearLayerIsChildFour() {
        Sequential model = new Sequential(new Conv2d(1, 4, 3, 1, 1), new BatchNorm2d(4), new ReLU(), new MaxPool2d(2),
                new Linear(4, 3));
        assertEquals(List.of("0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var",
                "1.num_batches_tracked", "4.weight", "4.bias"), List.copyOf(model.stateDict().keySet()));
    }

    @Test
    void parametersComeInPyTorchsModelParametersOrder() {
        Sequential model = smallCnn();
        Conv2d conv = (Conv2d) model.get(0);
        BatchNorm2d bn = (BatchNorm2d) model.get(1);
        Linear linear = (Linear) model.get(5);

        List<Tensor> expected = List.of(conv.weight(), conv.bias(), bn.weight(), bn.bias(), linear.weight(),
                linear.bias());
        List<Tensor> actual = model.parameters();
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertSame(expected.get(i), actual.get(i), "parameter " + i);
        }
        assertEquals(List.of("0.weight", "0.bias", "1.weight", "1.bias", "5.weight", "5.bias"),
                List.copyOf(model.namedParameters().keySet()));
        assertEquals(List.of("1.running_mean", "1.running_var", "1.num_batches_tracked"),
                List.copyOf(model.namedBuffers().keySet()));
    }

    @Test
    void disabledBiasAffineAndRunningStatsLeaveNoEntries() {
        Sequential model = new Sequential(Conv2d.builder(1, 2, 3).bias(false).build(),
                BatchNorm2d.builder(2).affine(false).build(),
                BatchNorm2d.builder(2).trackRunningStats(false).build(), new Linear(2, 2, false));

        assertEquals(List.of("0.weight", "1.running_mean", "1.running_var", "1.num_batches_tracked", "2.weight",
                "2.bias", "3.weight"), List.copyOf(model.stateDict().keySet()));
    }
}
