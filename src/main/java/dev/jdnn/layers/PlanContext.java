package dev.jdnn.layers;

import dev.jdnn.runtime.Engine;
import dev.jdnn.runtime.Stream;
import java.lang.foreign.Arena;

/**
 * What a layer plan is built with: the arena that owns every descriptor, primitive and buffer of the plan
 * (closing it frees them all), and the stream the plan executes on.
 */
public record PlanContext(Arena arena, Engine engine, Stream stream) {}
