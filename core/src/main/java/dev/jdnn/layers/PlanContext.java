package dev.jdnn.layers;

import dev.jdnn.runtime.Engine;
import dev.jdnn.runtime.Stream;
import java.lang.foreign.Arena;

/**
 * What a layer plan is built with: the arena that owns every descriptor, primitive and buffer of the plan
 * (closing it frees them all), the stream the plan executes on, and where training plans keep their weights
 * ({@link KernelLayouts}; null keeps them plain).
 */
public record PlanContext(Arena arena, Engine engine, Stream stream, KernelLayouts layouts) {
    /** A context whose training plans keep their weights plain, reordering them every step. */
    public PlanContext(Arena arena, Engine engine, Stream stream) {
        this(arena, engine, stream, null);
    }
}
