package dev.jdnn.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.data.Preprocessing;
import dev.jdnn.layers.Network;
import dev.jdnn.layers.RandomNetworks;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Activation buffers are shared by liveness: a deep chain's plans use exactly two in every layout (a reorder's source
 * is free once copied, so the next output takes its place), residual blocks at most three, squeeze-and-excitation
 * four, however many plans the predictor compiles; channels last, where no reorder takes one, exactly as many as the
 * values live at once need ({@link TestGraphs#buffers}).
 */
class GraphLivenessTest {
    private static final int BATCH = 5;

    @ParameterizedTest
    @EnumSource(TestGraphs.class)
    void plansShareAsFewActivationBuffersAsTheLiveValuesNeed(TestGraphs testGraph) {
        try (Network network = new Network(testGraph.graph())) {
            RandomNetworks.randomize(network, new Random(61));
            for (Layout layout : Layout.values()) {
                try (CompiledModel compiled = new CompiledModel(network, Preprocessing.DEFAULT, BATCH, Precision.F32,
                        layout, DenseImplementations.timed()); Predictor predictor = compiled.newPredictor()) {
                    predictor.plan(1);
                    predictor.plan(BATCH);
                    int buffers = predictor.activationSlots();
                    String what = testGraph + " " + layout + ": " + buffers + " activation buffers, "
                            + predictor.plan(BATCH).steps().stream().map(BoundStep::kind).toList();
                    System.out.println(what);
                    if (layout == Layout.NHWC) {
                        assertEquals(testGraph.buffers(), buffers, what);
                    } else {
                        // A reorder (ANY: of the first convolution's output, which reads plain images; blocked: of
                        // a C x 1 x 1 value to broadcast) may cost a buffer more, but a residual block no more than
                        // three, a chain none.
                        int most = testGraph == TestGraphs.CHAIN ? 2 : Math.max(3, testGraph.buffers());
                        assertTrue(buffers <= most, what + "; at most " + most);
                    }
                }
            }
        }
    }
}
