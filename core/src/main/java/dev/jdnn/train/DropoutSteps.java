package dev.jdnn.train;

import dev.jdnn.layers.DropoutPlan;
import dev.jdnn.layers.LayerPlan;
import java.util.ArrayList;
import java.util.List;

/** Reads and sets the step counters of the dropout layers in a compiled plan, which select their masks. */
final class DropoutSteps {
    private DropoutSteps() {}

    static List<Long> of(LayerPlan plan) {
        return plans(plan).stream().map(DropoutPlan::step).toList();
    }

    /** @throws IllegalArgumentException if the plan has another number of dropout layers */
    static void set(LayerPlan plan, List<Long> steps) {
        List<DropoutPlan> plans = plans(plan);
        if (plans.size() != steps.size()) {
            throw new IllegalArgumentException("the network has " + plans.size() + " dropout layers, the state has "
                    + steps.size() + " step counters");
        }
        for (int i = 0; i < plans.size(); i++) plans.get(i).setStep(steps.get(i));
    }

    private static List<DropoutPlan> plans(LayerPlan plan) {
        List<DropoutPlan> found = new ArrayList<>();
        collect(plan, found);
        return found;
    }

    private static void collect(LayerPlan plan, List<DropoutPlan> found) {
        if (plan instanceof DropoutPlan dropout) found.add(dropout);
        for (LayerPlan child : plan.children()) collect(child, found);
    }
}
