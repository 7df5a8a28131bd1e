package dev.jdnn.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The runtime layer end to end: a oneDNN convolution in plain layouts against a naive Java loop. */
class ConvolutionThroughWrappersTest {
    private static final int N = 2, C = 3, H = 7, W = 6, O = 4, K = 3;

    @Test
    void convolutionEqualsNaiveLoop() {
        SplittableRandom random = new SplittableRandom(7);
        float[] src = randoms(random, N * C * H * W);
        float[] weights = randoms(random, O * C * K * K);
        float[] bias = randoms(random, O);
        try (Arena arena = new CountingArena()) {
            Engine engine = Engine.cpu();
            MemoryDesc srcDesc = MemoryDesc.of(arena, DataType.F32, FormatTag.NCHW, N, C, H, W);
            MemoryDesc weightsDesc = MemoryDesc.of(arena, DataType.F32, FormatTag.OIHW, O, C, K, K);
            MemoryDesc biasDesc = MemoryDesc.of(arena, DataType.F32, FormatTag.A, O);
            MemoryDesc dstDesc = MemoryDesc.of(arena, DataType.F32, FormatTag.NCHW, N, O, H, W);
            long[] ones = {1, 1};
            PrimitiveDesc desc = PrimitiveDescs.convolutionForward(arena, PropKind.FORWARD_INFERENCE, srcDesc,
                    weightsDesc, biasDesc, dstDesc, ones, ones, ones, new PrimitiveAttr(arena));
            Memory srcMem = filled(arena, engine, srcDesc, src);
            Memory weightsMem = filled(arena, engine, weightsDesc, weights);
            Memory biasMem = filled(arena, engine, biasDesc, bias);
            Memory dstMem = new Memory(dstDesc, engine, arena);
            ExecArgs args = new ExecArgs(arena, 5).bind(Arg.SRC, srcMem).bind(Arg.WEIGHTS, weightsMem)
                    .bind(Arg.BIAS, biasMem).bind(Arg.DST, dstMem)
                    .bind(Arg.SCRATCHPAD, new Memory(desc.query(Query.SCRATCHPAD), engine, arena));
            Stream stream = new Stream(engine, arena);
            new Primitive(desc, arena).execute(stream, args);
            stream.waitAll();
            float[] actual = dstMem.data().toArray(ValueLayout.JAVA_FLOAT);
            float[] expected = naive(src, weights, bias);
            double worst = 0;
            for (int i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
            assertTrue(worst < 1e-4, "largest difference " + worst);
            assertEquals(N, dstMem.desc().dims()[0]);
        }
    }

    @Test
    void anInvalidCallRaisesDnnlExceptionNamingTheStatus() {
        try (Arena arena = new CountingArena()) {
            MemoryDesc src = MemoryDesc.of(arena, DataType.F32, FormatTag.NCHW, 1, 3, 8, 8);
            MemoryDesc weights = MemoryDesc.of(arena, DataType.F32, FormatTag.OIHW, 4, 5, 3, 3); // 5 != 3 channels
            MemoryDesc dst = MemoryDesc.of(arena, DataType.F32, FormatTag.NCHW, 1, 4, 8, 8);
            long[] ones = {1, 1};
            DnnlException e = assertThrows(DnnlException.class, () -> PrimitiveDescs.convolutionForward(arena,
                    PropKind.FORWARD_INFERENCE, src, weights, null, dst, ones, ones, ones, new PrimitiveAttr(arena)));
            assertEquals(Status.INVALID_ARGUMENTS, e.status());
            assertTrue(e.getMessage().startsWith("dnnl_convolution_forward_primitive_desc_create failed: invalid_arguments"),
                    e.getMessage());
        }
        // the JVM and oneDNN are still usable
        assertTrue(OneDnn.version().startsWith("3."));
    }

    @Test
    void javaRefusesMalformedDescriptorsBeforeAnyNativeCall() {
        try (Arena arena = new CountingArena()) {
            assertThrows(IllegalArgumentException.class, () -> MemoryDesc.of(arena, DataType.F32, FormatTag.NCHW, 1, 0, 8, 8));
            assertThrows(IllegalArgumentException.class, () -> MemoryDesc.of(arena, DataType.F32, FormatTag.A, new long[13]));
            MemoryDesc desc = MemoryDesc.of(arena, DataType.F32, FormatTag.A, 16);
            assertThrows(IllegalArgumentException.class,
                    () -> new Memory(desc, Engine.cpu(), arena, arena.allocate(8)));
        }
    }

    private static Memory filled(Arena arena, Engine engine, MemoryDesc desc, float[] values) {
        Memory memory = new Memory(desc, engine, arena);
        memory.data().copyFrom(java.lang.foreign.MemorySegment.ofArray(values));
        return memory;
    }

    private static float[] randoms(SplittableRandom random, int n) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) values[i] = (float) random.nextDouble(-1, 1);
        return values;
    }

    /** Cross-correlation with padding 1 and stride 1, in double. */
    private static float[] naive(float[] src, float[] w, float[] b) {
        float[] out = new float[N * O * H * W];
        for (int n = 0; n < N; n++)
            for (int o = 0; o < O; o++)
                for (int y = 0; y < H; y++)
                    for (int x = 0; x < W; x++) {
                        double sum = b[o];
                        for (int c = 0; c < C; c++)
                            for (int ky = 0; ky < K; ky++)
                                for (int kx = 0; kx < K; kx++) {
                                    int iy = y + ky - 1, ix = x + kx - 1;
                                    if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
                                    sum += (double) src[((n * C + c) * H + iy) * W + ix] * w[((o * C + c) * K + ky) * K + kx];
                                }
                        out[((n * O + o) * H + y) * W + x] = (float) sum;
                    }
        return out;
    }
}
