package dev.jdnn.layers;

import dev.jdnn.runtime.CountingArena;
import dev.jdnn.runtime.DataType;
import dev.jdnn.runtime.Engine;
import dev.jdnn.runtime.Stream;
import dev.jdnn.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link Graph} bound to storage: the flat parameter block and one compiled plan per (batch size, mode),
 * created on first use and reused. Owns all its native memory; {@link #close()} frees it, and any use
 * after that is an IllegalStateException. Not thread-safe: one thread drives a network at a time.
 */
public final class Network implements AutoCloseable {
    private final Graph graph;
    private final long[] inputShape;
    private final long[] outputShape;
    private final CountingArena arena = new CountingArena();
    private final Stream stream;
    private final ParameterBlock parameters;
    private final KernelLayouts layouts;
    private final Map<Key, Compiled> plans = new HashMap<>();
    /** One arena per compiled plan, so that a plan failing half-way frees what it had allocated. */
    private final List<Arena> planArenas = new ArrayList<>();
    private boolean closed;

    /** A compiled plan with its plain input tensor and, for training plans, its plain output gradient. */
    public record Compiled(Tensor input, LayerPlan plan, Tensor gradOutput) {}

    private record Key(long batch, Mode mode) {}

    /**
     * A network of {@code root}, a layer or a {@link Sequential} of them, for per-sample inputs of {@code inputShape},
     * with its parameters allocated (zero): the network of {@link Graph#chain}.
     *
     * @throws IllegalArgumentException if a dim of the shape is not positive, the layers do not fit it, or a layer
     *     would get a size oneDNN does not handle ({@link NativeLimits})
     */
    public Network(Layer root, long[] inputShape) {
        this(Graph.chain(Objects.requireNonNull(root, "root"), Objects.requireNonNull(inputShape, "inputShape")));
    }

    /**
     * A network of {@code graph}, with its parameters allocated (zero).
     *
     * @throws IllegalArgumentException if a node would get a size oneDNN does not handle ({@link NativeLimits})
     */
    public Network(Graph graph) {
        this.graph = Objects.requireNonNull(graph, "graph");
        this.inputShape = graph.inputShape();
        this.outputShape = graph.outputShape();
        List<ParameterSpec> specs = graph.parameters();
        // Before anything native: a size oneDNN does not handle ends the process instead of failing.
        NativeLimits.requireSupported(graph);
        try {
            this.stream = new Stream(Engine.cpu(), arena);
            this.parameters = new ParameterBlock(specs, arena);
            this.layouts = new KernelLayouts(parameters, Engine.cpu(), stream, arena);
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /** The operations the network computes. */
    public Graph graph() {
        return graph;
    }

    public long[] inputShape() {
        return inputShape.clone();
    }

    public long[] outputShape() {
        return outputShape.clone();
    }

    /** The arena that owns the network's memory: what is allocated in it lives until {@link #close()}. */
    public Arena arena() {
        requireOpen();
        return arena;
    }

    /** The parameters, every tensor in its plain layout (moved back there if a training plan ran since). */
    public ParameterBlock parameters() {
        requireOpen();
        layouts.toPlain();
        return parameters;
    }

    /**
     * The parameters as training plans keep them: weights may lie in their kernels' layouts, a permutation of the
     * plain floats. Only for elementwise work between training steps (L2, an optimizer over {@code values()} and
     * {@code grads()}), whose state must {@linkplain #arrangeLikeParameters follow} the same arrangement.
     */
    public ParameterBlock parametersAsTrained() {
        requireOpen();
        layouts.toTraining();
        return parameters;
    }

    /**
     * Keeps {@code segments}, each as large as {@code parameters().values()} (an optimizer's state), arranged like
     * the parameters from now on, in place of the segments given before. They must hold plain data now.
     *
     * @throws IllegalArgumentException if a segment's size differs from the values'
     */
    public void arrangeLikeParameters(List<MemorySegment> segments) {
        requireOpen();
        layouts.follow(segments);
    }

    /**
     * The plan for {@code batch} samples in {@code mode}, compiled on first request. Each run of a training plan
     * first moves the weights into their kernels' layouts ({@link #parametersAsTrained()}), each run of another plan
     * back to plain. A plan that cannot be compiled frees what it allocated.
     *
     * @throws IllegalArgumentException if batch is below 1, or its input alone would need more bytes than the
     *     machine has ({@link CountingArena#machineBytes()})
     */
    public Compiled plan(long batch, Mode mode) {
        requireOpen();
        Objects.requireNonNull(mode, "mode");
        if (batch <= 0) throw new IllegalArgumentException("batch size must be > 0, got " + batch);
        Compiled compiled = plans.get(new Key(batch, mode));
        if (compiled == null) {
            requireInputFits(batch);
            CountingArena planArena = new CountingArena();
            try {
                compiled = compile(batch, mode, planArena);
            } catch (RuntimeException | Error e) {
                planArena.close();
                throw e;
            }
            plans.put(new Key(batch, mode), compiled);
            planArenas.add(planArena);
        }
        return compiled;
    }

    private void requireInputFits(long batch) {
        double bytes = (double) batch * Float.BYTES; // in double: a hostile batch must not overflow the check
        for (long d : inputShape) bytes *= d;
        if (CountingArena.exceedsMachine(bytes)) {
            throw new IllegalArgumentException("batch size " + batch + " needs "
                    + String.format(Locale.ROOT, "%.3g", bytes) + " bytes for its input alone, more than the "
                    + CountingArena.machineBytes() + " bytes of memory and swap of this machine");
        }
    }

    private Compiled compile(long batch, Mode mode, Arena planArena) {
        PlanContext context = new PlanContext(planArena, Engine.cpu(), stream, layouts);
        long[] dims = withBatch(batch, inputShape);
        Tensor input = Tensor.plain(planArena, DataType.F32, dims);
        LayerPlan plan = GraphPlan.of(graph, context, input, mode, parameters.parameters(), false);
        Tensor gradOutput = null;
        if (mode == Mode.TRAINING) {
            gradOutput = Tensor.plain(planArena, DataType.F32, plan.output().dims());
            plan.bindGradOutput(gradOutput);
        }
        if (!plan.output().isPlain()) {
            throw new IllegalStateException("the network's last layer must give a plain output, got "
                    + Arrays.toString(plan.output().dims()) + " in a blocked layout");
        }
        return new Compiled(input, new ArrangedPlan(plan, layouts, mode), gradOutput);
    }

    /** Waits for every submitted primitive; results are readable after this. */
    public void synchronize() {
        stream.waitAll();
    }

    private static long[] withBatch(long batch, long[] shape) {
        long[] dims = new long[shape.length + 1];
        dims[0] = batch;
        System.arraycopy(shape, 0, dims, 1, shape.length);
        return dims;
    }

    public List<ParameterSpec> parameterSpecs() {
        return graph.parameters();
    }

    private void requireOpen() {
        if (closed) throw new IllegalStateException("this network is closed");
    }

    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        plans.clear();
        for (Arena planArena : planArenas) planArena.close();
        planArenas.clear();
        arena.close();
    }
}
