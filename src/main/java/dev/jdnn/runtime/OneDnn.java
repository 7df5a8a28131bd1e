package dev.jdnn.runtime;

import dev.jdnn.internal.ffi.dnnl_h;
import dev.jdnn.internal.ffi.dnnl_version_t;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/** Facts about the loaded oneDNN. */
public final class OneDnn {
    private OneDnn() {}

    /** Called by the loader right after loading: refuses any oneDNN but 3.x. */
    @SuppressWarnings("restricted") // dnnl_version() returns a pointer to a static dnnl_version_t
    static void requireVersion3(Path library) {
        MemorySegment version = dnnl_h.dnnl_version().reinterpret(dnnl_version_t.sizeof());
        int major = dnnl_version_t.major(version);
        if (major != 3) {
            throw new NativeLoadException(library + " is oneDNN " + major + "." + dnnl_version_t.minor(version) + "."
                    + dnnl_version_t.patch(version) + "; 3.x required");
        }
    }
}
