package dev.jdnn.layers;

import java.lang.foreign.MemorySegment;

/**
 * A parameter bound to storage: {@code value} and {@code grad} are slices of the model's flat parameter
 * and gradient blocks (f32, in the plain layout of the spec's dims except while a network's training plans
 * hold a weight in its kernel's layout: {@link Network#parametersAsTrained()}). {@code grad} is
 * {@link MemorySegment#NULL} for state that is not trained (running statistics). Backward overwrites
 * {@code grad}; it never accumulates.
 */
public record Parameter(ParameterSpec spec, MemorySegment value, MemorySegment grad) {
    public Parameter {
        long bytes = spec.elementCount() * Float.BYTES;
        if (value.byteSize() != bytes) {
            throw new IllegalArgumentException(spec + " needs " + bytes + " bytes of storage, got " + value.byteSize());
        }
        if (spec.kind().trainable() && grad.byteSize() != bytes) {
            throw new IllegalArgumentException(spec + " needs a gradient of " + bytes + " bytes, got " + grad.byteSize());
        }
    }
}
