package dev.jdnn.runtime;

import static dev.jdnn.internal.ffi.dnnl_h.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.ToIntFunction;

/**
 * Typed constructors of the primitive descriptors jdnn uses. Backward descriptors take their forward
 * descriptor as a hint, as oneDNN requires. Every descriptor and its queried memory descriptors belong
 * to {@code owner}.
 */
public final class PrimitiveDescs {
    private PrimitiveDescs() {}

    public static PrimitiveDesc convolutionForward(Arena owner, PropKind prop, MemoryDesc src, MemoryDesc weights,
            MemoryDesc bias, MemoryDesc dst, long[] strides, long[] padL, long[] padR, PrimitiveAttr attr) {
        try (Arena s = Arena.ofConfined()) {
            return create(owner, "dnnl_convolution_forward_primitive_desc_create", slot ->
                    dnnl_convolution_forward_primitive_desc_create(slot, engine(), prop.code(),
                            dnnl_convolution_direct, src.handle(), weights.handle(), handle(bias), dst.handle(),
                            dims(s, strides), dims(s, new long[strides.length]), dims(s, padL), dims(s, padR),
                            attr.handle()));
        }
    }

    public static PrimitiveDesc convolutionBackwardData(Arena owner, MemoryDesc diffSrc, MemoryDesc weights,
            MemoryDesc diffDst, long[] strides, long[] padL, long[] padR, PrimitiveDesc hint, PrimitiveAttr attr) {
        try (Arena s = Arena.ofConfined()) {
            return create(owner, "dnnl_convolution_backward_data_primitive_desc_create", slot ->
                    dnnl_convolution_backward_data_primitive_desc_create(slot, engine(), dnnl_convolution_direct,
                            diffSrc.handle(), weights.handle(), diffDst.handle(), dims(s, strides),
                            dims(s, new long[strides.length]), dims(s, padL), dims(s, padR), hint.handle(),
                            attr.handle()));
        }
    }

    public static PrimitiveDesc convolutionBackwardWeights(Arena owner, MemoryDesc src, MemoryDesc diffWeights,
            MemoryDesc diffBias, MemoryDesc diffDst, long[] strides, long[] padL, long[] padR, PrimitiveDesc hint,
            PrimitiveAttr attr) {
        try (Arena s = Arena.ofConfined()) {
            return create(owner, "dnnl_convolution_backward_weights_primitive_desc_create", slot ->
                    dnnl_convolution_backward_weights_primitive_desc_create(slot, engine(), dnnl_convolution_direct,
                            src.handle(), diffWeights.handle(), handle(diffBias), diffDst.handle(),
                            dims(s, strides), dims(s, new long[strides.length]), dims(s, padL), dims(s, padR),
                            hint.handle(), attr.handle()));
        }
    }

    public static PrimitiveDesc innerProductForward(Arena owner, PropKind prop, MemoryDesc src, MemoryDesc weights,
            MemoryDesc bias, MemoryDesc dst, PrimitiveAttr attr) {
        return create(owner, "dnnl_inner_product_forward_primitive_desc_create", slot ->
                dnnl_inner_product_forward_primitive_desc_create(slot, engine(), prop.code(), src.handle(),
                        weights.handle(), handle(bias), dst.handle(), attr.handle()));
    }

    public static PrimitiveDesc innerProductBackwardData(Arena owner, MemoryDesc diffSrc, MemoryDesc weights,
            MemoryDesc diffDst, PrimitiveDesc hint, PrimitiveAttr attr) {
        return create(owner, "dnnl_inner_product_backward_data_primitive_desc_create", slot ->
                dnnl_inner_product_backward_data_primitive_desc_create(slot, engine(), diffSrc.handle(),
                        weights.handle(), diffDst.handle(), hint.handle(), attr.handle()));
    }

    public static PrimitiveDesc innerProductBackwardWeights(Arena owner, MemoryDesc src, MemoryDesc diffWeights,
            MemoryDesc diffBias, MemoryDesc diffDst, PrimitiveDesc hint, PrimitiveAttr attr) {
        return create(owner, "dnnl_inner_product_backward_weights_primitive_desc_create", slot ->
                dnnl_inner_product_backward_weights_primitive_desc_create(slot, engine(), src.handle(),
                        diffWeights.handle(), handle(diffBias), diffDst.handle(), hint.handle(), attr.handle()));
    }

    /** Batch normalization with scale and shift; {@code globalStats} uses given mean/variance (inference). */
    public static PrimitiveDesc batchNormForward(Arena owner, PropKind prop, MemoryDesc src, MemoryDesc dst,
            float epsilon, boolean globalStats, boolean fuseRelu, PrimitiveAttr attr) {
        int flags = bnFlags(globalStats, fuseRelu);
        return create(owner, "dnnl_batch_normalization_forward_primitive_desc_create", slot ->
                dnnl_batch_normalization_forward_primitive_desc_create(slot, engine(), prop.code(), src.handle(),
                        dst.handle(), epsilon, flags, attr.handle()));
    }

    public static PrimitiveDesc batchNormBackward(Arena owner, MemoryDesc diffSrc, MemoryDesc diffDst, MemoryDesc src,
            float epsilon, boolean fuseRelu, PrimitiveDesc hint, PrimitiveAttr attr) {
        int flags = bnFlags(false, fuseRelu);
        return create(owner, "dnnl_batch_normalization_backward_primitive_desc_create", slot ->
                dnnl_batch_normalization_backward_primitive_desc_create(slot, engine(), dnnl_backward,
                        diffSrc.handle(), diffDst.handle(), src.handle(), epsilon, flags, hint.handle(),
                        attr.handle()));
    }

    private static int bnFlags(boolean globalStats, boolean fuseRelu) {
        int flags = dnnl_use_scale | dnnl_use_shift;
        if (globalStats) flags |= dnnl_use_global_stats;
        if (fuseRelu) flags |= dnnl_fuse_norm_relu;
        return flags;
    }

    public static PrimitiveDesc poolingForward(Arena owner, PropKind prop, Algorithm alg, MemoryDesc src,
            MemoryDesc dst, long[] strides, long[] kernel, long[] padL, long[] padR, PrimitiveAttr attr) {
        try (Arena s = Arena.ofConfined()) {
            return create(owner, "dnnl_pooling_forward_primitive_desc_create", slot ->
                    dnnl_pooling_forward_primitive_desc_create(slot, engine(), prop.code(), alg.code(), src.handle(),
                            dst.handle(), dims(s, strides), dims(s, kernel), dims(s, new long[kernel.length]),
                            dims(s, padL), dims(s, padR), attr.handle()));
        }
    }

    public static PrimitiveDesc poolingBackward(Arena owner, Algorithm alg, MemoryDesc diffSrc, MemoryDesc diffDst,
            long[] strides, long[] kernel, long[] padL, long[] padR, PrimitiveDesc hint, PrimitiveAttr attr) {
        try (Arena s = Arena.ofConfined()) {
            return create(owner, "dnnl_pooling_backward_primitive_desc_create", slot ->
                    dnnl_pooling_backward_primitive_desc_create(slot, engine(), alg.code(), diffSrc.handle(),
                            diffDst.handle(), dims(s, strides), dims(s, kernel), dims(s, new long[kernel.length]),
                            dims(s, padL), dims(s, padR), hint.handle(), attr.handle()));
        }
    }

    public static PrimitiveDesc eltwiseForward(Arena owner, PropKind prop, Algorithm alg, MemoryDesc src,
            MemoryDesc dst, float alpha, float beta, PrimitiveAttr attr) {
        return create(owner, "dnnl_eltwise_forward_primitive_desc_create", slot ->
                dnnl_eltwise_forward_primitive_desc_create(slot, engine(), prop.code(), alg.code(), src.handle(),
                        dst.handle(), alpha, beta, attr.handle()));
    }

    /** Eltwise backward; {@code data} is the forward src, or its dst for the *_USE_DST_FOR_BWD algorithms. */
    public static PrimitiveDesc eltwiseBackward(Arena owner, Algorithm alg, MemoryDesc diffSrc, MemoryDesc diffDst,
            MemoryDesc data, float alpha, float beta, PrimitiveDesc hint, PrimitiveAttr attr) {
        return create(owner, "dnnl_eltwise_backward_primitive_desc_create", slot ->
                dnnl_eltwise_backward_primitive_desc_create(slot, engine(), alg.code(), diffSrc.handle(),
                        diffDst.handle(), data.handle(), alpha, beta, hint.handle(), attr.handle()));
    }

    public static PrimitiveDesc softmaxForward(Arena owner, PropKind prop, Algorithm alg, MemoryDesc src,
            MemoryDesc dst, int axis, PrimitiveAttr attr) {
        return create(owner, "dnnl_softmax_forward_primitive_desc_create", slot ->
                dnnl_softmax_forward_primitive_desc_create(slot, engine(), prop.code(), alg.code(), src.handle(),
                        dst.handle(), axis, attr.handle()));
    }

    public static PrimitiveDesc softmaxBackward(Arena owner, Algorithm alg, MemoryDesc diffSrc, MemoryDesc diffDst,
            MemoryDesc dst, int axis, PrimitiveDesc hint, PrimitiveAttr attr) {
        return create(owner, "dnnl_softmax_backward_primitive_desc_create", slot ->
                dnnl_softmax_backward_primitive_desc_create(slot, engine(), alg.code(), diffSrc.handle(),
                        diffDst.handle(), dst.handle(), axis, hint.handle(), attr.handle()));
    }

    public static PrimitiveDesc reorder(Arena owner, MemoryDesc src, MemoryDesc dst, PrimitiveAttr attr) {
        return create(owner, "dnnl_reorder_primitive_desc_create", slot ->
                dnnl_reorder_primitive_desc_create(slot, src.handle(), engine(), dst.handle(), engine(),
                        attr.handle()));
    }

    private static PrimitiveDesc create(Arena owner, String call, ToIntFunction<MemorySegment> creator) {
        return new PrimitiveDesc(Dnnl.create(owner, call, creator, h -> dnnl_primitive_desc_destroy(h)), owner);
    }

    private static MemorySegment engine() {
        return Engine.cpu().handle();
    }

    private static MemorySegment handle(MemoryDesc md) {
        return md == null ? MemorySegment.NULL : md.handle();
    }

    private static MemorySegment dims(Arena scratch, long[] values) {
        return scratch.allocateFrom(ValueLayout.JAVA_LONG, values);
    }
}
