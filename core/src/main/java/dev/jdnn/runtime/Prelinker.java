package dev.jdnn.runtime;

import dev.jdnn.internal.ffi.dnnl_common_h;
import dev.jdnn.internal.ffi.dnnl_h;
import dev.jdnn.internal.ffi.omp_h;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Gets oneDNN ready for an inference plan on two daemon threads, while the caller reads a model file: one
 * loads the library and creates the CPU engine (50-100 ms for libdnnl alone), the other links the
 * signatures of the functions that compiling and running a plan call. In a cold JVM each new signature costs
 * 5-20 ms (the JDK generates its call stub then; it caches the stub by signature, so that this needs no
 * library yet), about 250 ms for the ones below: together most of the time to a first prediction.
 */
public final class Prelinker {
    private static final AtomicBoolean STARTED = new AtomicBoolean();

    private Prelinker() {}

    /** Starts the work, the first time only; returns at once. */
    public static void startInBackground() {
        if (!STARTED.compareAndSet(false, true)) return;
        daemon("jdnn-loader", Prelinker::loadLibrary);
        daemon("jdnn-linker", Prelinker::linkSignatures);
    }

    private static void daemon(String name, Runnable work) {
        Thread thread = new Thread(work, name);
        thread.setDaemon(true);
        thread.start();
    }

    private static void loadLibrary() {
        try {
            Engine.cpu();
        } catch (RuntimeException e) {
            // The caller's own first native call meets the same failure, on its thread, where it can handle it.
        }
    }

    @SuppressWarnings("restricted") // the generated bindings link the same signatures; this only does it earlier
    private static void linkSignatures() {
        Linker linker = Linker.nativeLinker();
        for (FunctionDescriptor signature : inferenceSignatures()) linker.downcallHandle(signature);
    }

    /** The signatures, in the order a plan first calls them (so the caller finds the first ones ready). */
    static List<FunctionDescriptor> inferenceSignatures() {
        return List.of(
                dnnl_common_h.dnnl_engine_create$descriptor(),
                dnnl_h.dnnl_memory_desc_create_with_tag$descriptor(),
                dnnl_h.dnnl_memory_desc_get_size$descriptor(),
                dnnl_h.dnnl_memory_desc_query$descriptor(),
                dnnl_h.dnnl_memory_desc_clone$descriptor(),
                dnnl_h.dnnl_memory_desc_equal$descriptor(),
                dnnl_h.dnnl_memory_create$descriptor(),
                dnnl_h.dnnl_primitive_attr_create$descriptor(),
                dnnl_h.dnnl_primitive_attr_set_scratchpad_mode$descriptor(),
                dnnl_h.dnnl_post_ops_create$descriptor(),
                dnnl_h.dnnl_post_ops_append_eltwise$descriptor(),
                dnnl_h.dnnl_primitive_attr_set_post_ops$descriptor(),
                dnnl_h.dnnl_convolution_forward_primitive_desc_create$descriptor(),
                dnnl_h.dnnl_pooling_forward_primitive_desc_create$descriptor(),
                dnnl_h.dnnl_inner_product_forward_primitive_desc_create$descriptor(),
                dnnl_h.dnnl_primitive_desc_next_impl$descriptor(),
                dnnl_h.dnnl_reorder_primitive_desc_create$descriptor(),
                dnnl_h.dnnl_primitive_desc_query$descriptor(),
                dnnl_h.dnnl_primitive_desc_query_md$descriptor(),
                dnnl_h.dnnl_primitive_create$descriptor(),
                dnnl_h.dnnl_primitive_get_primitive_desc$descriptor(),
                dnnl_common_h.dnnl_stream_create$descriptor(),
                omp_h.omp_set_num_threads$descriptor(),
                dnnl_h.dnnl_primitive_execute$descriptor(),
                dnnl_common_h.dnnl_stream_wait$descriptor(),
                dnnl_h.dnnl_primitive_desc_destroy$descriptor(),
                dnnl_h.dnnl_primitive_destroy$descriptor(),
                dnnl_h.dnnl_memory_destroy$descriptor(),
                dnnl_h.dnnl_primitive_attr_destroy$descriptor());
    }
}
