package dev.jdnn.runtime;

import static dev.jdnn.internal.ffi.dnnl_h.*;

import dev.jdnn.internal.ffi.dnnl_version_t;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/** Facts about the loaded oneDNN: its version and the instruction set it dispatches to. */
public final class OneDnn {
    private OneDnn() {}

    /** The loaded library's version, e.g. {@code 3.13.0}. */
    public static String version() {
        MemorySegment v = versionStruct();
        return dnnl_version_t.major(v) + "." + dnnl_version_t.minor(v) + "." + dnnl_version_t.patch(v);
    }

    /** The version and the ISA, as jdnn reports them: e.g. {@code oneDNN 3.13.0 (avx512_core_bf16)}. */
    public static String summary() {
        return "oneDNN " + version() + " (" + isa() + ")";
    }

    /** The ISA oneDNN's CPU kernels dispatch to on this machine, e.g. {@code avx512_core_bf16}. */
    public static String isa() {
        int isa = effectiveIsa();
        return switch (isa) {
            case dnnl_cpu_isa_sse41 -> "sse41";
            case dnnl_cpu_isa_avx -> "avx";
            case dnnl_cpu_isa_avx2 -> "avx2";
            case dnnl_cpu_isa_avx2_vnni -> "avx2_vnni";
            case dnnl_cpu_isa_avx2_vnni_2 -> "avx2_vnni_2";
            case dnnl_cpu_isa_avx512_core -> "avx512_core";
            case dnnl_cpu_isa_avx512_core_vnni -> "avx512_core_vnni";
            case dnnl_cpu_isa_avx512_core_bf16 -> "avx512_core_bf16";
            case dnnl_cpu_isa_avx10_1_512 -> "avx10_1_512";
            case dnnl_cpu_isa_avx10_1_512_amx -> "avx10_1_512_amx";
            case dnnl_cpu_isa_avx10_1_512_amx_fp16 -> "avx10_1_512_amx_fp16";
            case dnnl_cpu_isa_avx10_2 -> "avx10_2";
            case dnnl_cpu_isa_avx10_2_amx_2 -> "avx10_2_amx_2";
            default -> "isa 0x" + Integer.toHexString(isa);
        };
    }

    /** True when oneDNN can run bf16 convolutions natively (avx512_core_bf16 or an AMX ISA). */
    public static boolean supportsBf16() {
        int isa = effectiveIsa();
        return (isa & dnnl_cpu_isa_avx512_core_bf16) == dnnl_cpu_isa_avx512_core_bf16;
    }

    /** Called by the loader right after loading: refuses any oneDNN but 3.x. */
    @SuppressWarnings("restricted") // dnnl_version() returns a pointer to a static dnnl_version_t
    static void requireVersion3(Path library) {
        int major = dnnl_version_t.major(versionStruct());
        if (major != 3) {
            throw new NativeLoadException(library + " is oneDNN " + version() + "; jdnn requires oneDNN 3.x");
        }
    }

    private static int effectiveIsa() {
        NativeLoader.symbols(); // as in versionStruct: the loader itself asks for the ISA when it logs
        return dnnl_get_effective_cpu_isa();
    }

    private static MemorySegment versionStruct() {
        // Load (and version-check) before touching the binding of dnnl_version itself: the loader's check
        // calls it, and must not run inside that binding's own class initialization.
        NativeLoader.symbols();
        return dnnl_version().reinterpret(dnnl_version_t.sizeof());
    }
}
