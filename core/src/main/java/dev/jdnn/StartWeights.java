package dev.jdnn;

import dev.jdnn.layers.Parameter;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The weights a fine-tuning run starts from: a copy of a model's parameters by name, and back into a network's. */
final class StartWeights {
    private StartWeights() {}

    static Map<String, float[]> of(List<Parameter> parameters) {
        Map<String, float[]> weights = new LinkedHashMap<>();
        for (Parameter p : parameters) weights.put(p.spec().name(), p.value().toArray(ValueLayout.JAVA_FLOAT));
        return weights;
    }

    /** Copies {@code weights} into {@code parameters}; the network was built from the same graph, so all fit. */
    static void copy(Map<String, float[]> weights, List<Parameter> parameters) {
        for (Parameter p : parameters) {
            float[] values = weights.get(p.spec().name());
            if (values == null || values.length != p.spec().elementCount()) {
                throw new IllegalStateException("the start weights hold no " + p.spec() + " of the network");
            }
            MemorySegment.copy(values, 0, p.value(), ValueLayout.JAVA_FLOAT, 0, values.length);
        }
    }
}
