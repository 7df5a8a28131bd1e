package dev.jdnn.layers;

import dev.jdnn.runtime.Arg;
import dev.jdnn.runtime.ExecArgs;
import dev.jdnn.runtime.Memory;
import dev.jdnn.runtime.MemoryDesc;
import dev.jdnn.runtime.Primitive;
import dev.jdnn.runtime.PrimitiveAttr;
import dev.jdnn.runtime.PrimitiveDesc;
import dev.jdnn.runtime.PrimitiveDescs;
import dev.jdnn.runtime.Query;
import dev.jdnn.runtime.Stream;
import dev.jdnn.tensor.Tensor;
import java.util.EnumMap;
import java.util.Map;

/**
 * One compiled primitive with its arguments bound once, including its own user-mode scratchpad:
 * {@link #run} only executes and allocates nothing.
 */
public final class Step {
    private final Primitive primitive;
    private final ExecArgs args;

    private Step(Primitive primitive, ExecArgs args) {
        this.primitive = primitive;
        this.args = args;
    }

    /** Starts a step of {@code desc}; bind its arguments, then {@link Binder#build()}. */
    public static Binder of(PlanContext context, PrimitiveDesc desc) {
        return new Binder(context, desc);
    }

    /**
     * A reorder from {@code from} into {@code to}, or null when both have the same descriptor (then the
     * caller uses {@code from} directly and no copy is ever made).
     */
    public static Step reorder(PlanContext context, Tensor from, Tensor to) {
        if (from.desc().sameAs(to.desc())) return null;
        PrimitiveDesc desc = PrimitiveDescs.reorder(context.arena(), from.desc(), to.desc(), new PrimitiveAttr(context.arena()));
        return of(context, desc).arg(Arg.FROM, from.memory()).arg(Arg.TO, to.memory()).build();
    }

    /** A tensor in {@code desc}: {@code source} itself when it already has that descriptor, else a new buffer. */
    public static Tensor inLayout(PlanContext context, Tensor source, MemoryDesc desc) {
        return source.desc().sameAs(desc) ? source : Tensor.of(context.arena(), desc);
    }

    public void run(Stream stream) {
        primitive.execute(stream, args);
    }

    public PrimitiveDesc desc() {
        return primitive.desc();
    }

    /** Collects the arguments of one step. */
    public static final class Binder {
        private final PlanContext context;
        private final PrimitiveDesc desc;
        private final Map<Arg, Memory> bound = new EnumMap<>(Arg.class);

        private Binder(PlanContext context, PrimitiveDesc desc) {
            this.context = context;
            this.desc = desc;
        }

        public Binder arg(Arg arg, Memory memory) {
            bound.put(arg, memory);
            return this;
        }

        public Binder arg(Arg arg, Tensor tensor) {
            return arg(arg, tensor.memory());
        }

        public Step build() {
            MemoryDesc scratch = desc.query(Query.SCRATCHPAD);
            if (scratch != null && scratch.byteSize() > 0) {
                bound.put(Arg.SCRATCHPAD, new Memory(scratch, context.engine(), context.arena()));
            }
            ExecArgs args = new ExecArgs(context.arena(), bound.size());
            bound.forEach(args::bind);
            return new Step(new Primitive(desc, context.arena()), args);
        }
    }
}
