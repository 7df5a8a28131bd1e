package dev.jdnn.inference;

import static dev.jdnn.inference.BoundStep.Kind.BINARY;
import static dev.jdnn.inference.BoundStep.Kind.CONCAT;
import static dev.jdnn.inference.BoundStep.Kind.CONVOLUTION;
import static dev.jdnn.inference.BoundStep.Kind.DENSE;
import static dev.jdnn.inference.BoundStep.Kind.ELTWISE;
import static dev.jdnn.inference.BoundStep.Kind.POOL;

import dev.jdnn.layers.Activation;
import dev.jdnn.layers.ActivationFunction;
import dev.jdnn.layers.Add;
import dev.jdnn.layers.BatchNorm2D;
import dev.jdnn.layers.Concat;
import dev.jdnn.layers.Convolution2D;
import dev.jdnn.layers.Dense;
import dev.jdnn.layers.Flatten;
import dev.jdnn.layers.GlobalAveragePooling2D;
import dev.jdnn.layers.Graph;
import dev.jdnn.layers.Mul;
import dev.jdnn.layers.Op;
import dev.jdnn.layers.Padding;
import dev.jdnn.layers.PoolMode;
import dev.jdnn.layers.Pooling2D;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Graphs that are not chains, for compiled inference and ONNX export: residual blocks (identity and projection
 * shortcuts, two convolution branches added, an addend read twice, a shortcut read after the addition),
 * squeeze-and-excitation, a concat of two branches with a standalone activation after max pooling; and a deep chain.
 * Each comes with the steps compiled inference must make of it, reorders aside: a residual addition fused into a
 * convolution as a sum post-op leaves no BINARY step.
 */
enum TestGraphs {
    /**
     * conv -> bn -> add(identity shortcut) -> relu; the convolution reads the value it adds, so it adds a copy
     * (a convolution cannot write over its own source).
     */
    IDENTITY_SHORTCUT(b -> {
        int s = b.stem(8, true);
        int c = b.convBn("block.conv", s, new Convolution2D(8, 8, 3, 1, Padding.SAME));
        return b.relu("block.relu", b.add("block.add", new Add(), c, s));
    }, List.of(CONVOLUTION, CONVOLUTION, POOL, DENSE), 1, 2),

    /** Two conv -> bn on the main path (the first with stride 2), a 1x1 conv -> bn projection shortcut, added. */
    PROJECTION_SHORTCUT(b -> {
        int s = b.stem(8, true);
        int m = b.relu("main.relu", b.convBn("main.conv1", s, new Convolution2D(8, 16, 3, 2, Padding.SAME)));
        m = b.convBn("main.conv2", m, new Convolution2D(16, 16, 3, 1, Padding.SAME));
        int p = b.convBn("shortcut.conv", s, new Convolution2D(8, 16, 1, 2, Padding.SAME));
        return b.relu("block.relu", b.add("block.add", new Add(), m, p));
    }, List.of(CONVOLUTION, CONVOLUTION, CONVOLUTION, CONVOLUTION, POOL, DENSE), 0, 3),

    /**
     * Two convolution branches of the same input added: fused into the later one (dilated, with its own activation
     * before the sum post-op and the relu after it).
     */
    TWO_BRANCHES(b -> {
        int s = b.stem(8, true);
        int x = b.convBn("left.conv", s, new Convolution2D(8, 12, 3, 1, Padding.SAME));
        int y = b.activation("right.elu", ActivationFunction.ELU, b.convBn("right.conv", s,
                new Convolution2D(8, 12, 3, 1, Padding.SAME, 2, 1)));
        return b.relu("join.relu", b.add("join.add", new Add(), x, y));
    }, List.of(CONVOLUTION, CONVOLUTION, CONVOLUTION, POOL, DENSE), 0, 2),

    /**
     * An addend that another node reads too: the addition cannot be fused into the convolution that gives it (a
     * binary add, which must not write over that addend, its first input), while the next addition is fused into a
     * convolution as usual.
     */
    SHARED_ADDEND(b -> {
        int s = b.stem(8, true);
        int c = b.convBn("a.conv", s, new Convolution2D(8, 8, 3, 1, Padding.SAME));
        int r = b.relu("a.relu", b.add("a.add", new Add(), c, s));
        int e = b.convBn("b.conv", c, new Convolution2D(8, 8, 3, 1, Padding.SAME));
        return b.relu("b.relu", b.add("b.add", new Add(), r, e));
    }, List.of(CONVOLUTION, CONVOLUTION, BINARY, CONVOLUTION, POOL, DENSE), 0, 3),

    /**
     * The same with the shared addend second: the binary add writes over its first input, the shortcut, which no
     * later node reads (two buffers instead of three).
     */
    SHARED_ADDEND_SECOND(b -> {
        int s = b.stem(8, true);
        int c = b.convBn("a.conv", s, new Convolution2D(8, 8, 3, 1, Padding.SAME));
        int r = b.relu("a.relu", b.add("a.add", new Add(), s, c));
        int e = b.convBn("b.conv", c, new Convolution2D(8, 8, 3, 1, Padding.SAME));
        return b.relu("b.relu", b.add("b.add", new Add(), r, e));
    }, List.of(CONVOLUTION, CONVOLUTION, BINARY, CONVOLUTION, POOL, DENSE), 0, 2),

    /**
     * A shortcut that a later node reads again: the addition (after two convolutions) is fused, but into a copy of
     * the shortcut, which must outlive it; the second addition, of a fused convolution's result, is a binary add.
     */
    SHORTCUT_READ_AGAIN(b -> {
        int s = b.stem(8, true);
        int c = b.relu("a.relu1", b.convBn("a.conv1", s, new Convolution2D(8, 8, 3, 1, Padding.SAME)));
        c = b.convBn("a.conv2", c, new Convolution2D(8, 8, 3, 1, Padding.SAME));
        int r = b.relu("a.relu2", b.add("a.add", new Add(), c, s));
        return b.add("b.add", new Add(), r, s);
    }, List.of(CONVOLUTION, CONVOLUTION, CONVOLUTION, BINARY, POOL, DENSE), 1, 3),

    /**
     * Squeeze-and-excitation: global average pooling -> 1x1 conv -> relu -> 1x1 conv -> sigmoid gives a C x 1 x 1
     * scale, the first factor of a mul whose second is C x H x W (compiled swapped, the broadcast one second); then
     * a residual binary add.
     */
    SQUEEZE_EXCITATION(b -> {
        int s = b.stem(8, true);
        int m = b.convBn("se.conv", s, new Convolution2D(8, 8, 3, 1, Padding.SAME));
        int g = b.add("se.squeeze", new GlobalAveragePooling2D(), m);
        g = b.activation("se.relu", ActivationFunction.RELU, b.add("se.reduce", new Convolution2D(8, 4, 1, 1,
                Padding.SAME), g));
        g = b.activation("se.sigmoid", ActivationFunction.SIGMOID, b.add("se.expand", new Convolution2D(4, 8, 1, 1,
                Padding.SAME), g));
        int scaled = b.add("se.scale", new Mul(), g, m);
        return b.relu("block.relu", b.add("block.add", new Add(), scaled, s));
    }, List.of(CONVOLUTION, CONVOLUTION, POOL, CONVOLUTION, CONVOLUTION, BINARY, BINARY, POOL, DENSE), 0, 4),

    /**
     * A concat of a convolution branch and a max pooling branch whose relu has no op to fuse into (a standalone
     * eltwise step), then a 1x1 convolution over the 14 channels.
     */
    CONCAT_BRANCHES(b -> {
        int s = b.stem(8, false);
        int x = b.relu("conv.relu", b.convBn("conv", s, new Convolution2D(8, 6, 3, 1, Padding.SAME)));
        int p = b.relu("pool.relu", b.add("pool", new Pooling2D(3, 1, PoolMode.MAX, Padding.SAME), s));
        int cat = b.add("cat", new Concat(2), x, p);
        return b.relu("mix.relu", b.add("mix", new Convolution2D(14, 8, 1, 1, Padding.SAME), cat));
    }, List.of(CONVOLUTION, CONVOLUTION, POOL, ELTWISE, CONCAT, CONVOLUTION, POOL, DENSE), 0, 3),

    /**
     * A per-channel C x 1 x 1 value (global average pooling) added to the C x H x W value it pools, the small one
     * first: a binary add that broadcasts its second input, so compiled with the inputs swapped.
     */
    BROADCAST_ADD(b -> {
        int s = b.stem(8, true);
        int mean = b.add("mean", new GlobalAveragePooling2D(), s);
        return b.add("add", new Add(), mean, s);
    }, List.of(CONVOLUTION, POOL, BINARY, POOL, DENSE), 0, 2),

    /** A convolution of the images plus the images: the sum post-op adds a copy of the images, never overwritten. */
    IMAGES_ADDEND(b -> {
        long channels = b.channels(0);
        int c = b.convBn("conv", 0, new Convolution2D(channels, channels, 3, 1, Padding.SAME));
        return b.relu("relu", b.add("add", new Add(), c, 0));
    }, List.of(CONVOLUTION, POOL, DENSE), 1, 2),

    /** Six conv -> bn -> relu blocks one after the other: a chain. */
    CHAIN(b -> {
        int x = b.stem(8, true);
        for (int i = 1; i < 6; i++) {
            x = b.relu(i + ".relu", b.convBn(i + ".conv", x, new Convolution2D(8, 8, 3, 1, Padding.SAME)));
        }
        return x;
    }, List.of(CONVOLUTION, CONVOLUTION, CONVOLUTION, CONVOLUTION, CONVOLUTION, CONVOLUTION, POOL, DENSE), 0, 2);

    /** The per-sample images: three channels, odd sizes. */
    static final long[] IMAGE = {3, 10, 9};
    static final int CLASSES = 4;

    private final Function<Builder, Integer> body;
    private final List<BoundStep.Kind> steps;
    private final int copies;
    private final int buffers;

    TestGraphs(Function<Builder, Integer> body, List<BoundStep.Kind> steps, int copies, int buffers) {
        this.body = body;
        this.steps = steps;
        this.copies = copies;
        this.buffers = buffers;
    }

    /** The graph: its body, then global average pooling, flatten and a dense layer to {@link #CLASSES} logits. */
    Graph graph() {
        Builder builder = new Builder();
        int x = body.apply(builder);
        long channels = builder.channels(x);
        x = builder.add("head.pool", new GlobalAveragePooling2D(), x);
        x = builder.add("head.flatten", new Flatten(), x);
        builder.add("head.dense", new Dense(channels, CLASSES), x);
        return Graph.of(IMAGE, builder.nodes);
    }

    /** The kinds of the steps compiled inference makes of the graph, reorders left out. */
    List<BoundStep.Kind> steps() {
        return steps;
    }

    /**
     * How many reorders copy an addend into a convolution's destination for a fused addition: the addend lives on
     * after the convolution, or is the convolution's own source. Where layouts agree these are the only reorders.
     */
    int copies() {
        return copies;
    }

    /**
     * How many activation buffers the graph's plans need channels last (NHWC), where no reorder takes one (the
     * convolutions agree on the layout, and a C x 1 x 1 value is already plain for a broadcast): as many as values
     * are live at once, outputs written over inputs that die where they may. A chain needs two; a residual block two
     * or three (the shortcut, the main path and the next value); squeeze-and-excitation four (the shortcut, the main
     * path and two values of the squeeze path).
     */
    int buffers() {
        return buffers;
    }

    /** Nodes added one by one, each named, reading values by index. */
    static final class Builder {
        private final List<Graph.Node> nodes = new ArrayList<>();
        /** The per-sample shape of each value so far, the images' first. */
        private final List<long[]> shapes = new ArrayList<>(List.of(IMAGE));

        /** Adds {@code op} reading {@code inputs}; returns the value it gives. */
        int add(String name, Op op, int... inputs) {
            nodes.add(new Graph.Node(name, op, Arrays.stream(inputs).boxed().toList()));
            shapes.add(op.outputShape(Arrays.stream(inputs).mapToObj(shapes::get).toList()));
            return nodes.size();
        }

        /** A 3x3 convolution of the images to {@code channels}, batch norm and, if asked, relu. */
        int stem(long channels, boolean relu) {
            int x = convBn("stem", 0, new Convolution2D(IMAGE[0], channels, 3, 1, Padding.SAME));
            return relu ? relu("stem.relu", x) : x;
        }

        /** {@code conv} of {@code x}, then batch norm: nodes {@code name} and {@code name.bn}. */
        int convBn(String name, int x, Convolution2D conv) {
            return add(name + ".bn", new BatchNorm2D(conv.outChannels()), add(name, conv, x));
        }

        int relu(String name, int x) {
            return activation(name, ActivationFunction.RELU, x);
        }

        int activation(String name, ActivationFunction function, int x) {
            return add(name, new Activation(function), x);
        }

        /** The channels of value {@code x}. */
        long channels(int x) {
            return shapes.get(x)[0];
        }
    }
}
