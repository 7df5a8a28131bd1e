package dev.jdnn.runtime;

import static dev.jdnn.internal.ffi.dnnl_h.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** A oneDNN CPU engine. One exists per JVM; it lives as long as the process. */
public final class Engine {
    private static Engine cpu;

    private final MemorySegment handle;

    private Engine(MemorySegment handle) {
        this.handle = handle;
    }

    /** The CPU engine, created (and oneDNN loaded) on first use. */
    public static synchronized Engine cpu() {
        if (cpu == null) {
            cpu = new Engine(Dnnl.create(Arena.global(), "dnnl_engine_create",
                    slot -> dnnl_engine_create(slot, dnnl_cpu, 0L), h -> dnnl_engine_destroy(h)));
        }
        return cpu;
    }

    MemorySegment handle() {
        return handle;
    }
}
