package dev.jdnn.layers;

import dev.jdnn.runtime.Engine;
import dev.jdnn.runtime.Memory;
import dev.jdnn.runtime.MemoryDesc;
import dev.jdnn.runtime.Stream;
import dev.jdnn.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps weights, while a network trains, in the layouts of its training kernels rather than plain, as a hand-written
 * oneDNN program does: the forward pass then reads them and the backward pass writes their gradient where they
 * are, instead of reordering both every step (W1's 3136 x 128 weights alone cost 0.3 ms of a 13 ms 2-thread step
 * that way).
 *
 * <p>The first training plan that binds a weight chooses its layout: the one its forward kernel reads, when that
 * layout only permutes the plain floats (no padding). Every rule applied between steps (the optimizers, L2) is
 * elementwise, so it computes the same on either arrangement of the floats, provided the weights, their gradients
 * and the optimizer's state buffers ({@link #follow}) are always arranged alike. The {@link Network} moves them all
 * to the training layouts before a training plan runs and back to plain before anything else reads them.
 */
public final class KernelLayouts {
    private final ParameterBlock block;
    private final Engine engine;
    private final Stream stream;
    private final Arena owner;
    private final Map<Parameter, Entry> entries = new IdentityHashMap<>();
    /** How many entries are in their kernel layout: the calls of every step find all or none moved, without a walk. */
    private int arrangedCount;
    private List<MemorySegment> followers = List.of();

    /** One weight kept in a kernel layout: where its floats lie in the block, and both descriptions of them. */
    private static final class Entry {
        final long offset;
        final long bytes;
        final MemoryDesc plain;
        final MemoryDesc kernel;
        boolean arranged;

        Entry(long offset, long bytes, MemoryDesc plain, MemoryDesc kernel) {
            this.offset = offset;
            this.bytes = bytes;
            this.plain = plain;
            this.kernel = kernel;
        }
    }

    /** Layouts for the trainable tensors of {@code block}, described in (and living as long as) {@code owner}. */
    KernelLayouts(ParameterBlock block, Engine engine, Stream stream, Arena owner) {
        this.block = block;
        this.engine = engine;
        this.stream = stream;
        this.owner = owner;
    }

    /**
     * The layout in which training plans find {@code weight}: the one chosen by the first plan that asked, else
     * {@code kernel} when it is a padding-free permutation of {@code plain} (it is then chosen), else {@code plain}.
     */
    MemoryDesc storage(Parameter weight, MemoryDesc plain, MemoryDesc kernel) {
        Entry entry = entries.get(weight);
        if (entry != null) return entry.kernel;
        if (kernel.sameAs(plain) || kernel.byteSize() != plain.byteSize()) return plain;
        long offset = weight.value().address() - block.values().address();
        entry = new Entry(offset, plain.byteSize(), plain.copy(owner), kernel.copy(owner));
        entries.put(weight, entry);
        return entry.kernel;
    }

    /**
     * Arranges {@code segments} (each as large as the block's values, e.g. an optimizer's moments) like the values
     * from now on, in place of any earlier ones. The values are first made plain, so the segments must be too.
     */
    void follow(List<MemorySegment> segments) {
        for (MemorySegment segment : segments) {
            if (segment.byteSize() != block.values().byteSize()) {
                throw new IllegalArgumentException("a segment that follows the parameters' layout must hold "
                        + block.values().byteSize() + " bytes, like the values, got " + segment.byteSize());
            }
        }
        toPlain();
        followers = List.copyOf(segments);
    }

    /** Moves every chosen weight, its gradient and the followers into the training layouts. */
    void toTraining() {
        move(true);
    }

    /** Moves every weight, its gradient and the followers back into their plain layouts. */
    void toPlain() {
        move(false);
    }

    private void move(boolean training) {
        if (arrangedCount == (training ? entries.size() : 0)) return;
        List<Entry> moving = new ArrayList<>();
        for (Entry entry : entries.values()) {
            if (entry.arranged != training) moving.add(entry);
        }
        List<MemorySegment> segments = new ArrayList<>(followers.size() + 2);
        segments.add(block.values());
        segments.add(block.grads());
        segments.addAll(followers);
        try (Arena arena = Arena.ofConfined()) {
            PlanContext context = new PlanContext(arena, engine, stream);
            for (Entry entry : moving) {
                MemoryDesc from = training ? entry.plain : entry.kernel;
                MemoryDesc to = training ? entry.kernel : entry.plain;
                Tensor copy = Tensor.of(arena, to);
                for (MemorySegment segment : segments) {
                    MemorySegment floats = segment.asSlice(entry.offset, entry.bytes);
                    Step.reorder(context, Tensor.wrap(new Memory(from, engine, arena, floats)), copy).run(stream);
                    stream.waitAll();
                    floats.copyFrom(copy.segment().asSlice(0, entry.bytes));
                }
                entry.arranged = training;
                arrangedCount += training ? 1 : -1;
            }
        }
    }
}
