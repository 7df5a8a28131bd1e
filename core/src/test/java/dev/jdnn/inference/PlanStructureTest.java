package dev.jdnn.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jdnn.SimpleCNN;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * W1's network compiles to one primitive per convolution, pool and dense layer: batch norm and ReLU
 * are folded and fused, dropout is gone, the flatten costs no step (the first dense layer reads the
 * pooled 4-D tensor), the images are read in place and the logits come out plain.
 */
class PlanStructureTest {
    private static final List<BoundStep.Kind> W1 = List.of(BoundStep.Kind.CONVOLUTION, BoundStep.Kind.POOL,
            BoundStep.Kind.CONVOLUTION, BoundStep.Kind.POOL, BoundStep.Kind.DENSE, BoundStep.Kind.DENSE);

    @Test
    void w1CompilesToSixPrimitivesAndAtMostOneReorderBetweenTheConvolutions() {
        try (SimpleCNN model = InferenceTiming.w1()) {
            model.fit(Models.DATA.train().head(200));
            try (CompiledModel compiled = CompiledModel.of(model, 64); Predictor predictor = compiled.newPredictor()) {
                for (int batch : new int[] {1, 64}) {
                    BatchPlan plan = predictor.plan(batch);
                    List<BoundStep.Kind> kinds = plan.steps().stream().map(BoundStep::kind).toList();
                    String described = "batch " + batch + ": " + kinds + " " + plan.implementations();
                    assertEquals(W1, kinds.stream().filter(k -> k != BoundStep.Kind.REORDER).toList(), described);
                    assertEquals(BoundStep.Kind.CONVOLUTION, kinds.getFirst(), "no reorder of the images; " + described);
                    assertEquals(BoundStep.Kind.POOL, kinds.get(kinds.indexOf(BoundStep.Kind.DENSE) - 1),
                            "no step for the flatten; " + described);
                    assertEquals(BoundStep.Kind.DENSE, kinds.getLast(), "logits come out plain; " + described);
                    assertEquals(true, plan.reorderCount() <= 1, described);
                }
            }
        }
    }
}
