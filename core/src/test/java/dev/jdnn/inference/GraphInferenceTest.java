package dev.jdnn.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jdnn.data.Preprocessing;
import dev.jdnn.layers.Add;
import dev.jdnn.layers.BatchNorm;
import dev.jdnn.layers.Concat;
import dev.jdnn.layers.Graph;
import dev.jdnn.layers.Mul;
import dev.jdnn.layers.Network;
import dev.jdnn.layers.Op;
import dev.jdnn.layers.RandomNetworks;
import dev.jdnn.onnx.OnnxExport;
import dev.jdnn.onnx.OrtLogits;
import dev.jdnn.runtime.OneDnn;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Compiled inference of graphs (residual additions, squeeze-and-excitation, concat) in every layout, for one image
 * and a batch, gives the logits ONNX Runtime computes from jdnn's ONNX export of the same network (batch norm as
 * BatchNormalization nodes, so the reference does not share the fold), and compiles to the steps expected: a
 * residual addition fused into a convolution leaves no binary step, one that cannot be fused does.
 */
class GraphInferenceTest {
    private static final int BATCH = 5;

    @ParameterizedTest
    @EnumSource(TestGraphs.class)
    void compiledLogitsMatchOnnxRuntimeOnTheExport(TestGraphs testGraph) throws Exception {
        Random random = new Random(59 + testGraph.ordinal());
        try (Network network = new Network(testGraph.graph())) {
            RandomNetworks.randomize(network, random);
            float[] images = RandomNetworks.images(random, BATCH, TestGraphs.IMAGE);
            float[] image = Arrays.copyOf(images, images.length / BATCH);
            OrtLogits.Exported nodes = OrtLogits.ofNetwork(network, OnnxExport.BatchNormMode.NODES, images, BATCH);
            assertEquals(expectedOperators(network.graph(), "BatchNormalization"), counted(nodes.operators()));
            OrtLogits.Exported folded = OrtLogits.ofNetwork(network, OnnxExport.BatchNormMode.FOLDED, images, BATCH);
            assertEquals(expectedOperators(network.graph(), null), counted(folded.operators()));
            RandomNetworks.assertWithinLargestLogit(nodes.logits(), folded.logits(), 1e-4,
                    testGraph + ": ONNX Runtime, batch norm folded by the export");
            float[] expectedOne = OrtLogits.ofNetwork(network, OnnxExport.BatchNormMode.NODES, image, 1).logits();
            for (Layout layout : Layout.values()) {
                String what = testGraph + " " + layout;
                try (CompiledModel compiled = new CompiledModel(network, Preprocessing.DEFAULT, BATCH, Precision.F32,
                        layout, DenseImplementations.timed()); Predictor predictor = compiled.newPredictor()) {
                    float[] one = new float[TestGraphs.CLASSES];
                    predictor.predict(image, one);
                    RandomNetworks.assertWithinLargestLogit(expectedOne, one, 1e-5, what + ", 1 image");
                    float[] all = new float[BATCH * TestGraphs.CLASSES];
                    predictor.predict(images, all);
                    RandomNetworks.assertWithinLargestLogit(nodes.logits(), all, 1e-5, what + ", " + BATCH
                            + " images");
                    for (int batch : new int[] {1, BATCH}) {
                        BatchPlan plan = predictor.plan(batch);
                        List<BoundStep.Kind> kinds = plan.steps().stream().map(BoundStep::kind).toList();
                        String described = what + ", batch " + batch + ": " + kinds + " " + plan.implementations();
                        assertEquals(testGraph.steps(), kinds.stream().filter(k -> k != BoundStep.Kind.REORDER)
                                .toList(), described);
                        // Channels last throughout, the convolutions agree on layouts: the only reorders are the
                        // copies of addends that a fused addition cannot overwrite.
                        if (layout == Layout.NHWC) assertEquals(testGraph.copies(), plan.reorderCount(), described);
                    }
                }
            }
        }
    }

    /**
     * In bf16 (where the CPU computes it natively) the graphs' logits are a few bf16 roundings from f32's, in every
     * layout: within 2% of the largest logit (a few tenths of a percent here; {@link Bf16Test} allows W1 5%), and not equal
     * (the bf16 path was taken).
     */
    @ParameterizedTest
    @EnumSource(TestGraphs.class)
    void bf16LogitsAgreeWithF32WithinBf16Rounding(TestGraphs testGraph) {
        assumeTrue(OneDnn.supportsBf16(), "no native bf16 on " + OneDnn.isa());
        Random random = new Random(67 + testGraph.ordinal());
        try (Network network = new Network(testGraph.graph())) {
            RandomNetworks.randomize(network, random);
            float[] images = RandomNetworks.images(random, BATCH, TestGraphs.IMAGE);
            float[] f32 = predict(network, Precision.F32, Layout.ANY, images);
            for (Layout layout : Layout.values()) {
                float[] bf16 = predict(network, Precision.BF16, layout, images);
                assertFalse(Arrays.equals(f32, bf16), testGraph + " " + layout + ": bf16 logits equal the f32 ones"
                        + " exactly: the bf16 path was not taken");
                RandomNetworks.assertWithinLargestLogit(f32, bf16, 0.02, testGraph + " " + layout + ", bf16");
            }
        }
    }

    private static float[] predict(Network network, Precision precision, Layout layout, float[] images) {
        float[] logits = new float[BATCH * TestGraphs.CLASSES];
        try (CompiledModel compiled = new CompiledModel(network, Preprocessing.DEFAULT, BATCH, precision, layout,
                DenseImplementations.timed()); Predictor predictor = compiled.newPredictor()) {
            predictor.predict(images, logits);
        }
        return logits;
    }

    /**
     * How many Add, Mul, Concat and, when named, batch-norm nodes the export of {@code graph} writes: one per node
     * of the graph, none fused.
     */
    private static List<Long> expectedOperators(Graph graph, String batchNorm) {
        List<Op> ops = graph.nodes().stream().map(Graph.Node::op).toList();
        return List.of(ops.stream().filter(Add.class::isInstance).count(),
                ops.stream().filter(Mul.class::isInstance).count(),
                ops.stream().filter(Concat.class::isInstance).count(),
                batchNorm == null ? 0 : ops.stream().filter(BatchNorm.class::isInstance).count());
    }

    private static List<Long> counted(List<String> operators) {
        return List.of("Add", "Mul", "Concat", "BatchNormalization").stream()
                .map(name -> (long) Collections.frequency(operators, name)).toList();
    }
}
