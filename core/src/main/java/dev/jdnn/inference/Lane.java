package dev.jdnn.inference;

import dev.jdnn.runtime.Engine;
import dev.jdnn.runtime.Stream;
import dev.jdnn.runtime.Threads;
import java.lang.foreign.Arena;
import java.util.Arrays;

/**
 * One execution context of a predictor: a stream, working buffers and a plan per batch size, for
 * primitives built for {@code threads} OpenMP threads. Whoever runs a lane's plans must have set the
 * calling thread's team size to {@link #threads()} (primitives are built for the team size current at
 * their creation, so {@link #plan} sets it before compiling).
 */
final class Lane {
    private final CompiledModel model;
    private final int threads;
    private final Arena arena;
    private final Stream stream;
    private final Buffers buffers;
    private final int maxBatch;
    /** Batch size n at index n - 1; grows as plans are compiled, never sized for maxBatch (up to 2^31 - 1) ahead. */
    private BatchPlan[] plans = new BatchPlan[1];

    /** A lane for batches of 1 to {@code maxBatch} images, owned by {@code arena}. */
    Lane(CompiledModel model, int threads, int maxBatch, Arena arena) {
        this.model = model;
        this.threads = threads;
        this.maxBatch = maxBatch;
        this.arena = arena;
        this.stream = new Stream(Engine.cpu(), arena);
        this.buffers = new Buffers(arena);
    }

    int threads() {
        return threads;
    }

    Stream stream() {
        return stream;
    }

    /** How many activation buffers this lane's plans share so far (a chain's plans: two). */
    int activationSlots() {
        return buffers.activationSlots();
    }

    /** The plan for {@code n} images, compiled on first use with this lane's team size on this thread. */
    BatchPlan plan(int n) {
        BatchPlan plan = n <= plans.length ? plans[n - 1] : null;
        if (plan == null) {
            Threads.set(threads);
            plan = PlanCompiler.compile(model, n, threads, arena, buffers, stream);
            if (n > plans.length) {
                plans = Arrays.copyOf(plans, (int) Math.min(Math.max(n, 2L * plans.length), maxBatch));
            }
            plans[n - 1] = plan;
        }
        return plan;
    }
}
