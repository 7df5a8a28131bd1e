package dev.jdnn.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.internal.ffi.dnnl_h;
import dev.jdnn.internal.ffi.dnnl_version_t;
import dev.jdnn.internal.ffi.omp_h;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** Calls into the real libdnnl and libgomp through the generated bindings. */
class GeneratedBindingsSmokeTest {
    @Test
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
