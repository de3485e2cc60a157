package org.tapegrad.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.tapegrad.nn.TestModules.Affine;
import org.tapegrad.nn.TestModules.Block;

/** Module trees print exactly as PyTorch prints the same modules. */
class ModuleToStringTest {

    @Test
    void smallCnnPrintsLikePyTorch() {
        Sequential model = new Sequential(new Conv2d(1, 4, 3, 1, 1), new BatchNorm2d(4), new ReLU(), new MaxPool2d(2),
                new Flatten(), new Linear(64, 3));

        assertEquals("Sequential(\n"
                + "  (0): Conv2d(1, 4, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))\n"
                + "  (1): BatchNorm2d(4, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)\n"
                + "  (2): ReLU()\n"
                + "  (3): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)\n"
                + "  (4): Flatten(start_dim=1, end_dim=-1)\n"
                + "  (5): Linear(in_features=64, out_features=3, bias=True)\n"
                + ")", model.toString());
    }

    @Test
    void everyLayerTypePrintsItsNonDefaultSettings() {
        Sequential model = new Sequential(
                new Linear(10, 16),
                new ReLU(),
                new Linear(16, 4, false),
                new LeakyReLU(),
                new LeakyReLU(0.2),
                new Tanh(),
                new Sigmoid(),
                Conv2d.builder(4, 8, 3).padding("same").dilation(2).groups(2).bias(false).build(),
                Conv2d.builder(3, 3, IntPair.of(1, 3)).stride(IntPair.of(2, 1)).build(),
                Conv2d.builder(3, 3, 2).padding("valid").build(),
                BatchNorm2d.builder(4).eps(1e-3).momentum(null).affine(false).trackRunningStats(false).build(),
                new AvgPool2d(2),
                new AvgPool2d(IntPair.of(3, 2), IntPair.of(1), IntPair.of(1, 0)),
                new MaxPool2d(3, 1, 1),
                new Flatten(0, 2));

        assertEquals("Sequential(\n"
                + "  (0): Linear(in_features=10, out_features=16, bias=True)\n"
                + "  (1): ReLU()\n"
                + "  (2): Linear(in_features=16, out_features=4, bias=False)\n"
                + "  (3): LeakyReLU(negative_slope=0.01)\n"
                + "  (4): LeakyReLU(negative_slope=0.2)\n"
                + "  (5): Tanh()\n"
                + "  (6): Sigmoid()\n"
                + "  (7): Conv2d(4, 8, kernel_size=(3, 3), stride=(1, 1), padding=same, dilation=(2, 2), groups=2, "
                + "bias=False)\n"
                + "  (8): Conv2d(3, 3, kernel_size=(1, 3), stride=(2, 1))\n"
                + "  (9): Conv2d(3, 3, kernel_size=(2, 2), stride=(1, 1), padding=valid)\n"
                + "  (10): BatchNorm2d(4, eps=0.001, momentum=None, affine=False, track_running_stats=False)\n"
                + "  (11): AvgPool2d(kernel_size=2, stride=2, padding=0)\n"
                + "  (12): AvgPool2d(kernel_size=(3, 2), stride=1, padding=(1, 0))\n"
                + "  (13): MaxPool2d(kernel_size=3, stride=1, padding=1, dilation=1, ceil_mode=False)\n"
                + "  (14): Flatten(start_dim=0, end_dim=2)\n"
                + ")", model.toString());
    }

    @Test
    void nestedModulesAreIndentedOneLevelPerDepth() {
        Sequential model = new Sequential(new Linear(2, 2), new Sequential(new ReLU(), new Sequential(new Tanh())),
                new Block(1));

        assertEquals("Sequential(\n"
                + "  (0): Linear(in_features=2, out_features=2, bias=True)\n"
                + "  (1): Sequential(\n"
                + "    (0): ReLU()\n"
                + "    (1): Sequential(\n"
                + "      (0): Tanh()\n"
                + "    )\n"
                + "  )\n"
                + "  (2): Block(\n"
                + "    (first): Affine(size=1)\n"
                + "    (act): Tanh()\n"
                + "    (second): Affine(size=1)\n"
                + "  )\n"
                + ")", model.toString());
    }

    @Test
    void leafModulesPrintOnOneLine() {
        assertEquals("Affine(size=3)", new Affine(3).toString());
        assertEquals("Sequential()", new Sequential().toString());
        assertEquals("CrossEntropyLoss()", new CrossEntropyLoss().toString());
    }
}
