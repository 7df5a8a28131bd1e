package dev.jdnn.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jdnn.internal.ffi.dnnl_common_h;
import dev.jdnn.internal.ffi.dnnl_common_types_h;
import dev.jdnn.internal.ffi.dnnl_config_h;
import dev.jdnn.internal.ffi.dnnl_h;
import dev.jdnn.internal.ffi.dnnl_types_h;
import dev.jdnn.internal.ffi.dnnl_version_h;
import dev.jdnn.internal.ffi.dnnl_version_t;
import dev.jdnn.internal.ffi.omp_h;
import dev.jdnn.runtime.NativeLoader;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Calls into the real libdnnl and libgomp through the generated bindings. */
class GeneratedBindingsSmokeTest {
    @Test
    @SuppressWarnings("restricted") // dnnl_version() returns a pointer to a static struct
    void versionStructReportsOneDnnOfTheHeaders() {
        MemorySegment version = dnnl_h.dnnl_version().reinterpret(dnnl_version_t.sizeof());
        assertEquals(dnnl_h.DNNL_VERSION_MAJOR, dnnl_version_t.major(version), "major version");
        assertEquals(3, dnnl_version_t.major(version), "major version");
        assertEquals(dnnl_h.DNNL_VERSION_MINOR, dnnl_version_t.minor(version), "minor version");
        assertEquals(dnnl_h.DNNL_RUNTIME_OMP, dnnl_version_t.cpu_runtime(version), "CPU runtime");
    }

    @Test
    void statusAndEnumConstantsComeBackThroughTheCalls() {
        assertEquals(dnnl_h.dnnl_success, dnnl_h.dnnl_set_verbose(0), "dnnl_set_verbose(0)");
        assertEquals(dnnl_h.dnnl_invalid_arguments, dnnl_h.dnnl_set_verbose(-7), "dnnl_set_verbose(-7)");
    }

    /**
     * Regression: enum constants initialized with unsigned literals (0x4U in an int enum) sit under an
     * implicit cast in clang's AST and were once numbered sequentially instead (dnnl_use_shift was 3).
     */
    @Test
    void enumConstantsWithUnsignedInitializersKeepTheirValues() {
        assertEquals(0x1, dnnl_h.dnnl_use_global_stats, "dnnl_use_global_stats");
        assertEquals(0x2, dnnl_h.dnnl_use_scale, "dnnl_use_scale");
        assertEquals(0x4, dnnl_h.dnnl_use_shift, "dnnl_use_shift");
        assertEquals(0x8, dnnl_h.dnnl_fuse_norm_relu, "dnnl_fuse_norm_relu");
        assertEquals(0x1, dnnl_h.dnnl_stream_in_order, "dnnl_stream_in_order");
        assertEquals(0x2, dnnl_h.dnnl_stream_out_of_order, "dnnl_stream_out_of_order");
    }

    @Test
    void everyBoundOneDnnFunctionIsExportedByLibdnnl() {
        List<String> missing = new ArrayList<>();
        int functions = 0;
        for (Class<?> header : List.of(dnnl_h.class, dnnl_types_h.class, dnnl_common_h.class, dnnl_common_types_h.class,
                dnnl_version_h.class, dnnl_config_h.class)) {
            for (Method method : header.getDeclaredMethods()) {
                // name$descriptor() is the signature of the function name, not a function of its own
                if (!Modifier.isPublic(method.getModifiers()) || method.getName().endsWith("$descriptor")) continue;
                functions++;
                if (NativeLoader.symbols().find(method.getName()).isEmpty()) missing.add(method.getName());
            }
        }
        assertTrue(functions >= 170, "only " + functions + " oneDNN functions bound");
        assertTrue(missing.isEmpty(), missing.size() + " of " + functions + " bound functions are not in "
                + NativeLoader.loadedLibraries().getLast() + ": " + missing);
    }

    @Test
    void aSymbolTheLibraryLacksFailsEveryCallWithItsName() {
        // omp.h declares it, but the shipped libgomp does not export it: a real missing symbol.
        assumeTrue(NativeLoader.symbols().find("omp_init_lock_with_hint").isEmpty(),
                "this libgomp exports omp_init_lock_with_hint, so it cannot stand for a missing symbol");
        for (int call = 1; call <= 2; call++) {
            UnsatisfiedLinkError error = assertThrows(UnsatisfiedLinkError.class,
                    () -> omp_h.omp_init_lock_with_hint(MemorySegment.NULL, omp_h.omp_sync_hint_none), "call " + call);
            assertEquals("unresolved symbol: omp_init_lock_with_hint", error.getMessage(), "call " + call);
        }
    }

    @Test
    void openMpThreadCountRoundTrips() {
        int before = omp_h.omp_get_max_threads();
        try {
            omp_h.omp_set_num_threads(1);
            assertEquals(1, omp_h.omp_get_max_threads(), "omp_get_max_threads after omp_set_num_threads(1)");
            assertEquals(1, omp_h.omp_get_num_threads(), "outside a parallel region");
        } finally {
            omp_h.omp_set_num_threads(before);
        }
        assertTrue(before >= 1, "omp_get_max_threads() = " + before);
    }
}
