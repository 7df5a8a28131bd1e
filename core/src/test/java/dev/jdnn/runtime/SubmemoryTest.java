package dev.jdnn.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** MemoryDesc.submemory: a part of a memory seen in place, and the parts it refuses before any native call. */
class SubmemoryTest {
    @Test
    void aReorderFromAPartCopiesExactlyThatPart() {
        try (Arena arena = new CountingArena()) {
            Engine engine = Engine.cpu();
            MemoryDesc whole = MemoryDesc.of(arena, DataType.F32, FormatTag.NCHW, 2, 5, 2, 3);
            Memory memory = new Memory(whole, engine, arena);
            for (int i = 0; i < 60; i++) memory.data().setAtIndex(ValueLayout.JAVA_FLOAT, i, i);
            MemoryDesc part = whole.submemory(arena, new long[] {2, 2, 2, 3}, new long[] {0, 3, 0, 0});
            assertArrayEquals(new long[] {2, 2, 2, 3}, part.dims());
            MemoryDesc plain = MemoryDesc.of(arena, DataType.F32, FormatTag.NCHW, 2, 2, 2, 3);
            Memory copy = new Memory(plain, engine, arena);
            PrimitiveDesc desc = PrimitiveDescs.reorder(arena, part, plain, new PrimitiveAttr(arena));
            Stream stream = new Stream(engine, arena);
            new Primitive(desc, arena).execute(stream, new ExecArgs(arena, 2)
                    .bind(Arg.FROM, new Memory(part, engine, arena, memory.data())).bind(Arg.TO, copy));
            stream.waitAll();
            for (int n = 0; n < 2; n++) {
                for (int c = 0; c < 2; c++) {
                    for (int p = 0; p < 6; p++) {
                        assertEquals((n * 5 + c + 3) * 6 + p, copy.data().getAtIndex(ValueLayout.JAVA_FLOAT,
                                (n * 2 + c) * 6 + p), "sample " + n + ", channel " + c + ", pixel " + p);
                    }
                }
            }
        }
    }

    @Test
    void partsOutsideTheMemoryAreRefusedNamingTheDims() {
        try (Arena arena = new CountingArena()) {
            MemoryDesc whole = MemoryDesc.of(arena, DataType.F32, FormatTag.NC, 4, 6);
            assertRefused(() -> whole.submemory(arena, new long[] {4, 6, 1}, new long[] {0, 0, 0}),
                    "a submemory of [4, 6] needs 2 dims and offsets");
            assertRefused(() -> whole.submemory(arena, new long[] {4, 3}, new long[] {0, 4}),
                    "got dims [4, 3] at offsets [0, 4]");
            assertRefused(() -> whole.submemory(arena, new long[] {4, 0}, new long[] {0, 0}), "positive dims");
            assertRefused(() -> whole.submemory(arena, new long[] {4, 2}, new long[] {0, -1}), "offsets >= 0");
            assertRefused(() -> whole.submemory(arena, new long[] {4, 2}, new long[] {0, Long.MAX_VALUE}),
                    "inside each parent dim");
        }
    }

    @Test
    void aCutInsideABlockIsRefusedByOneDnn() {
        try (Arena arena = new CountingArena()) {
            MemoryDesc blocked = MemoryDesc.of(arena, DataType.F32, FormatTag.NCHW16C, 1, 32, 2, 2);
            DnnlException e = assertThrows(DnnlException.class,
                    () -> blocked.submemory(arena, new long[] {1, 8, 2, 2}, new long[] {0, 8, 0, 0}));
            assertEquals("dnnl_memory_desc_create_submemory", e.call());
            assertArrayEquals(new long[] {1, 16, 2, 2},
                    blocked.submemory(arena, new long[] {1, 16, 2, 2}, new long[] {0, 16, 0, 0}).dims(),
                    "a cut on a block boundary is fine");
        }
    }

    private static void assertRefused(Executable executable, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, executable);
        assertTrue(e.getMessage().contains(message), "expected '" + message + "' in: " + e.getMessage());
    }
}
