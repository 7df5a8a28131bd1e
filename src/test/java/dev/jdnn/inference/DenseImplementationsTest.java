package dev.jdnn.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.SimpleCNN;
import dev.jdnn.data.Dataset;
import dev.jdnn.layers.ActivationFunction;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The dense layers' implementation choice: every implementation it may pick computes the model (oneDNN's first
 * three eligible ones, forced in turn, each against the model's own unfused predictions to 1e-5), and one compiled
 * model's predictors all run the same ones, so that they agree to the bit.
 */
class DenseImplementationsTest {
    @Test
    void everyImplementationTheChoiceMayPickComputesTheModel() {
        Dataset images = Models.testImages(12);
        // With and without pooling: the first dense layer reads a pooled 4-D tensor or the whole conv output.
        for (boolean pooling : new boolean[] {true, false}) {
            try (SimpleCNN model = Models.fitted(Models.small(ActivationFunction.RELU, true, pooling))) {
                Models.randomizeBatchNorm(model, 5);
                float[][] expected = model.predictRaw(images);
                Map<Integer, Set<String>> firstDenseByBatch = new TreeMap<>();
                for (int rank = 0; rank < 3; rank++) {
                    try (CompiledModel compiled = CompiledModel.of(model, 8, Precision.F32, CompiledModel.DEFAULT_LAYOUT,
                            DenseImplementations.ranked(rank)); Predictor predictor = compiled.newPredictor()) {
                        for (int batch : new int[] {1, 8}) {
                            CompiledModelTest.assertClose(expected, CompiledModelTest.predictBatches(predictor, images, batch));
                            List<String> dense = denseImplementations(predictor.plan(batch));
                            assertFalse(dense.stream().anyMatch(name -> name.startsWith("ref")),
                                    "oneDNN's reference implementation is never a candidate, ran " + dense);
                            firstDenseByBatch.computeIfAbsent(batch, b -> new TreeSet<>()).add(dense.getFirst());
                        }
                    }
                }
                // oneDNN offers at least a brgemm and a gemm implementation for these layers on x86-64.
                firstDenseByBatch.forEach((batch, names) -> assertTrue(names.size() >= 2, "pooling=" + pooling
                        + ", batch " + batch + ": ranks 0-2 all ran " + names + " for the first dense layer"));
            }
        }
    }

    @Test
    void thePredictorsOfOneCompiledModelRunTheSameImplementationsAndAgreeToTheBit() {
        Dataset images = Models.testImages(16);
        try (SimpleCNN model = Models.fitted(Models.small(ActivationFunction.RELU, false, true));
             CompiledModel compiled = CompiledModel.of(model, 16)) {
            List<String> first;
            float[][] firstLogits;
            try (Predictor predictor = compiled.newPredictor()) {
                firstLogits = CompiledModelTest.predictBatches(predictor, images, 1);
                first = predictor.plan(1).implementations();
            }
            for (int i = 0; i < 4; i++) {
                try (Predictor predictor = compiled.newPredictor()) {
                    float[][] logits = CompiledModelTest.predictBatches(predictor, images, 1);
                    assertEquals(first, predictor.plan(1).implementations(), "predictor " + i);
                    for (int r = 0; r < logits.length; r++) {
                        assertArrayEquals(firstLogits[r], logits[r], "predictor " + i + ", image " + r);
                    }
                }
            }
        }
    }

    private static List<String> denseImplementations(BatchPlan plan) {
        List<BoundStep> steps = plan.steps();
        return IntStream.range(0, steps.size())
                .filter(i -> steps.get(i).kind() == BoundStep.Kind.DENSE)
                .mapToObj(i -> plan.implementations().get(i)).toList();
    }
}
