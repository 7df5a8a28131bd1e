package dev.jdnn.hardening;

import dev.jdnn.runtime.Algorithm;
import dev.jdnn.runtime.Arg;
import dev.jdnn.runtime.DataType;
import dev.jdnn.runtime.Engine;
import dev.jdnn.runtime.ExecArgs;
import dev.jdnn.runtime.FormatTag;
import dev.jdnn.runtime.Memory;
import dev.jdnn.runtime.MemoryDesc;
import dev.jdnn.runtime.Primitive;
import dev.jdnn.runtime.PrimitiveAttr;
import dev.jdnn.runtime.PrimitiveDesc;
import dev.jdnn.runtime.PrimitiveDescs;
import dev.jdnn.runtime.PropKind;
import dev.jdnn.runtime.Query;
import dev.jdnn.runtime.Stream;
import java.lang.foreign.Arena;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Issue 20, class 1: runs one oneDNN primitive at one size, in a JVM of its own (a size oneDNN does not handle may
 * end the process), and prints {@code ok <implementation>} or the exception. The arguments are the primitive
 * ({@code bn-inf}, {@code bn-train}, {@code bn-bwd}, {@code conv}, {@code conv-bwd-data}, {@code conv-bwd-weights},
 * {@code pool}, {@code pool-bwd}, {@code relu}, {@code relu-bwd}, {@code softmax}, {@code dense}, {@code reorder}),
 * the activations' layout ({@code nchw}, {@code nhwc} or {@code blocked}) and N C H W. Convolutions are 1 x 1 from
 * C channels to C; dense layers take C x H x W features to W outputs. Data is in place where oneDNN allows, to measure
 * sizes above 2 GiB on a machine of modest memory. Used by hand to measure the limits in RELIABILITY.md.
 */
public final class NativeSizeProbe {
    private NativeSizeProbe() {}

    public static void main(String[] args) {
        String kind = args[0];
        FormatTag tag = switch (args[1]) {
            case "nchw" -> FormatTag.NCHW;
            case "nhwc" -> FormatTag.NHWC;
            case "blocked" -> FormatTag.NCHW16C;
            default -> throw new IllegalArgumentException("layout " + args[1]);
        };
        long n = Long.parseLong(args[2]);
        long c = Long.parseLong(args[3]);
        long h = Long.parseLong(args[4]);
        long w = Long.parseLong(args[5]);
        try (Arena arena = Arena.ofShared()) {
            Stream stream = new Stream(Engine.cpu(), arena);
            MemoryDesc data = MemoryDesc.of(arena, DataType.F32, tag, n, c, h, w);
            PrimitiveAttr attr = new PrimitiveAttr(arena);
            Map<Arg, Query> args2 = new LinkedHashMap<>();
            PrimitiveDesc desc = switch (kind) {
                case "bn-inf" -> PrimitiveDescs.batchNormForward(arena, PropKind.FORWARD_INFERENCE, data, data, 1e-5f,
                        true, false, attr);
                case "bn-train" -> PrimitiveDescs.batchNormForward(arena, PropKind.FORWARD_TRAINING, data, data, 1e-5f,
                        false, false, attr);
                case "bn-bwd" -> PrimitiveDescs.batchNormBackward(arena, data, data, data, 1e-5f, false,
                        PrimitiveDescs.batchNormForward(arena, PropKind.FORWARD_TRAINING, data, data, 1e-5f, false,
                                false, attr), attr);
                case "conv" -> PrimitiveDescs.convolutionForward(arena, PropKind.FORWARD_TRAINING, data,
                        weights(arena, c), null, data, ones(), zeros(), zeros(), attr);
                case "conv-bwd-data" -> PrimitiveDescs.convolutionBackwardData(arena, data, weights(arena, c), data,
                        ones(), zeros(), zeros(), conv(arena, data, c, attr), attr);
                case "conv-bwd-weights" -> PrimitiveDescs.convolutionBackwardWeights(arena, data, weights(arena, c),
                        null, data, ones(), zeros(), zeros(), conv(arena, data, c, attr), attr);
                case "pool" -> pool(arena, data, n, c, h, w, PropKind.FORWARD_INFERENCE, attr);
                case "pool-bwd" -> PrimitiveDescs.poolingBackward(arena, Algorithm.POOLING_MAX, data,
                        MemoryDesc.of(arena, DataType.F32, FormatTag.ANY, n, c, h / 2, w / 2), twos(), twos(), zeros(),
                        zeros(), pool(arena, data, n, c, h, w, PropKind.FORWARD_TRAINING, attr), attr);
                case "relu" -> PrimitiveDescs.eltwiseForward(arena, PropKind.FORWARD_TRAINING, Algorithm.ELTWISE_RELU,
                        data, data, 0, 0, attr);
                case "relu-bwd" -> PrimitiveDescs.eltwiseBackward(arena, Algorithm.ELTWISE_RELU, data, data, data, 0, 0,
                        PrimitiveDescs.eltwiseForward(arena, PropKind.FORWARD_TRAINING, Algorithm.ELTWISE_RELU, data,
                                data, 0, 0, attr), attr);
                case "softmax" -> {
                    MemoryDesc rows = MemoryDesc.of(arena, DataType.F32, FormatTag.NC, n, c * h * w);
                    yield PrimitiveDescs.softmaxForward(arena, PropKind.FORWARD_INFERENCE, Algorithm.SOFTMAX_ACCURATE,
                            rows, rows, 1, attr);
                }
                case "dense" -> PrimitiveDescs.innerProductForward(arena, PropKind.FORWARD_INFERENCE, data,
                        MemoryDesc.of(arena, DataType.F32, FormatTag.ANY, w, c, h, w), null,
                        MemoryDesc.of(arena, DataType.F32, FormatTag.NC, n, w), attr);
                case "reorder" -> PrimitiveDescs.reorder(arena, data,
                        MemoryDesc.of(arena, DataType.F32, tag == FormatTag.NHWC ? FormatTag.NCHW : FormatTag.NHWC,
                                n, c, h, w), attr);
                default -> throw new IllegalArgumentException("primitive " + kind);
            };
            System.out.println("built " + desc.implementation());
            run(arena, stream, desc);
            System.out.println("ok " + kind + " " + args[1] + " " + n + " " + c + " " + h + " " + w + " "
                    + desc.implementation());
        } catch (RuntimeException | Error e) {
            System.out.println("refused " + e);
        }
    }

    /** Binds a memory per argument the primitive takes; SRC/DST and DIFF_SRC/DIFF_DST share one when they can. */
    private static void run(Arena arena, Stream stream, PrimitiveDesc desc) {
        Map<Arg, Memory> memories = new LinkedHashMap<>();
        Memory main = null;
        for (Query q : new Query[] {Query.SRC, Query.DST, Query.DIFF_DST, Query.DIFF_SRC}) {
            MemoryDesc md = desc.query(q);
            if (md == null) continue;
            Memory m = main != null && main.desc().sameAs(md) ? main : new Memory(md, Engine.cpu(), arena);
            if (main == null) main = m;
            memories.put(switch (q) {
                case SRC -> Arg.SRC;
                case DST -> Arg.DST;
                case DIFF_DST -> Arg.DIFF_DST;
                default -> Arg.DIFF_SRC;
            }, m);
        }
        String impl = desc.implementation();
        bind(arena, memories, desc, Query.WEIGHTS, impl.contains("bnorm") || impl.contains("batch") ? null
                : Arg.WEIGHTS);
        bind(arena, memories, desc, Query.DIFF_WEIGHTS, impl.contains("bnorm") || impl.contains("batch") ? null
                : Arg.DIFF_WEIGHTS);
        bind(arena, memories, desc, Query.WORKSPACE, Arg.WORKSPACE);
        bind(arena, memories, desc, Query.SCRATCHPAD, Arg.SCRATCHPAD);
        if (impl.contains("bnorm") || impl.contains("batch")) {
            long c = main.desc().dims()[1];
            MemoryDesc vector = MemoryDesc.of(arena, DataType.F32, FormatTag.A, c);
            boolean backward = desc.query(Query.DIFF_SRC) != null;
            for (Arg a : backward ? new Arg[] {Arg.SCALE, Arg.MEAN, Arg.VARIANCE}
                    : new Arg[] {Arg.SCALE, Arg.SHIFT, Arg.MEAN, Arg.VARIANCE}) {
                memories.put(a, new Memory(vector, Engine.cpu(), arena));
            }
            if (backward) {
                memories.put(Arg.DIFF_SCALE, new Memory(vector, Engine.cpu(), arena));
                memories.put(Arg.DIFF_SHIFT, new Memory(vector, Engine.cpu(), arena));
            }
        }
        ExecArgs execArgs = new ExecArgs(arena, memories.size());
        memories.forEach(execArgs::bind);
        long start = System.nanoTime();
        new Primitive(desc, arena).execute(stream, execArgs);
        stream.waitAll();
        System.out.println("ran in " + (System.nanoTime() - start) / 1_000_000 + " ms");
    }

    private static void bind(Arena arena, Map<Arg, Memory> memories, PrimitiveDesc desc, Query query, Arg arg) {
        MemoryDesc md = desc.query(query);
        if (arg != null && md != null && md.byteSize() > 0) memories.put(arg, new Memory(md, Engine.cpu(), arena));
    }

    private static PrimitiveDesc conv(Arena arena, MemoryDesc data, long c, PrimitiveAttr attr) {
        return PrimitiveDescs.convolutionForward(arena, PropKind.FORWARD_TRAINING, data, weights(arena, c), null,
                data, ones(), zeros(), zeros(), attr);
    }

    private static PrimitiveDesc pool(Arena arena, MemoryDesc data, long n, long c, long h, long w, PropKind prop,
                                      PrimitiveAttr attr) {
        return PrimitiveDescs.poolingForward(arena, prop, Algorithm.POOLING_MAX, data,
                MemoryDesc.of(arena, DataType.F32, FormatTag.ANY, n, c, h / 2, w / 2), twos(), twos(), zeros(), zeros(),
                attr);
    }

    private static MemoryDesc weights(Arena arena, long c) {
        return MemoryDesc.of(arena, DataType.F32, FormatTag.ANY, c, c, 1, 1);
    }

    private static long[] ones() {
        return new long[] {1, 1};
    }

    private static long[] twos() {
        return new long[] {2, 2};
    }

    private static long[] zeros() {
        return new long[2];
    }
}
