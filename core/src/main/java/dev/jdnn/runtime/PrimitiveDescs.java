package dev.jdnn.runtime;

import static dev.jdnn.internal.ffi.dnnl_h.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
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
        return convolutionForward(owner, prop, src, weights, bias, dst, strides, zeros(src), padL, padR, attr);
    }

    /**
     * A convolution whose filter taps lie {@code dilates[i] + 1} apart along spatial axis i: oneDNN counts the
     * skipped inputs, so 0 is an undilated filter (PyTorch's and ONNX's dilation 1). Grouped convolutions pass
     * weights of shape [groups, out / groups, in / groups, kh, kw].
     */
    public static PrimitiveDesc convolutionForward(Arena owner, PropKind prop, MemoryDesc src, MemoryDesc weights,
            MemoryDesc bias, MemoryDesc dst, long[] strides, long[] dilates, long[] padL, long[] padR,
            PrimitiveAttr attr) {
        try (Arena s = Arena.ofConfined()) {
            return create(owner, "dnnl_convolution_forward_primitive_desc_create", slot ->
                    dnnl_convolution_forward_primitive_desc_create(slot, engine(), prop.code(),
                            dnnl_convolution_direct, src.handle(), weights.handle(), handle(bias), dst.handle(),
                            spatial(s, src, "strides", strides), spatial(s, src, "dilates", dilates),
                            spatial(s, src, "padL", padL), spatial(s, src, "padR", padR), attr.handle()));
        }
    }

    public static PrimitiveDesc convolutionBackwardData(Arena owner, MemoryDesc diffSrc, MemoryDesc weights,
            MemoryDesc diffDst, long[] strides, long[] padL, long[] padR, PrimitiveDesc hint, PrimitiveAttr attr) {
        return convolutionBackwardData(owner, diffSrc, weights, diffDst, strides, zeros(diffSrc), padL, padR, hint,
                attr);
    }

    /** Backward data of a dilated (see {@link #convolutionForward}'s dilates) or grouped convolution. */
    public static PrimitiveDesc convolutionBackwardData(Arena owner, MemoryDesc diffSrc, MemoryDesc weights,
            MemoryDesc diffDst, long[] strides, long[] dilates, long[] padL, long[] padR, PrimitiveDesc hint,
            PrimitiveAttr attr) {
        try (Arena s = Arena.ofConfined()) {
            return create(owner, "dnnl_convolution_backward_data_primitive_desc_create", slot ->
                    dnnl_convolution_backward_data_primitive_desc_create(slot, engine(), dnnl_convolution_direct,
                            diffSrc.handle(), weights.handle(), diffDst.handle(),
                            spatial(s, diffSrc, "strides", strides),
                            spatial(s, diffSrc, "dilates", dilates), spatial(s, diffSrc, "padL", padL),
                            spatial(s, diffSrc, "padR", padR), hint.handle(), attr.handle()));
        }
    }

    public static PrimitiveDesc convolutionBackwardWeights(Arena owner, MemoryDesc src, MemoryDesc diffWeights,
            MemoryDesc diffBias, MemoryDesc diffDst, long[] strides, long[] padL, long[] padR, PrimitiveDesc hint,
            PrimitiveAttr attr) {
        return convolutionBackwardWeights(owner, src, diffWeights, diffBias, diffDst, strides, zeros(src), padL, padR,
                hint, attr);
    }

    /** Backward weights of a dilated (see {@link #convolutionForward}'s dilates) or grouped convolution. */
    public static PrimitiveDesc convolutionBackwardWeights(Arena owner, MemoryDesc src, MemoryDesc diffWeights,
            MemoryDesc diffBias, MemoryDesc diffDst, long[] strides, long[] dilates, long[] padL, long[] padR,
            PrimitiveDesc hint, PrimitiveAttr attr) {
        try (Arena s = Arena.ofConfined()) {
            return create(owner, "dnnl_convolution_backward_weights_primitive_desc_create", slot ->
                    dnnl_convolution_backward_weights_primitive_desc_create(slot, engine(), dnnl_convolution_direct,
                            src.handle(), diffWeights.handle(), handle(diffBias), diffDst.handle(),
                            spatial(s, src, "strides", strides), spatial(s, src, "dilates", dilates),
                            spatial(s, src, "padL", padL), spatial(s, src, "padR", padR), hint.handle(),
                            attr.handle()));
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
                            dst.handle(), spatial(s, src, "strides", strides), spatial(s, src, "kernel", kernel),
                            spatial(s, src, "dilation", zeros(src)), spatial(s, src, "padL", padL),
                            spatial(s, src, "padR", padR), attr.handle()));
        }
    }

    public static PrimitiveDesc poolingBackward(Arena owner, Algorithm alg, MemoryDesc diffSrc, MemoryDesc diffDst,
            long[] strides, long[] kernel, long[] padL, long[] padR, PrimitiveDesc hint, PrimitiveAttr attr) {
        try (Arena s = Arena.ofConfined()) {
            return create(owner, "dnnl_pooling_backward_primitive_desc_create", slot ->
                    dnnl_pooling_backward_primitive_desc_create(slot, engine(), alg.code(), diffSrc.handle(),
                            diffDst.handle(), spatial(s, diffSrc, "strides", strides),
                            spatial(s, diffSrc, "kernel", kernel), spatial(s, diffSrc, "dilation", zeros(diffSrc)),
                            spatial(s, diffSrc, "padL", padL), spatial(s, diffSrc, "padR", padR), hint.handle(),
                            attr.handle()));
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

    /** dst = the sum of {@code sources} (all of dst's dims, any layouts). */
    public static PrimitiveDesc sum(Arena owner, MemoryDesc dst, List<MemoryDesc> sources, PrimitiveAttr attr) {
        float[] ones = new float[sources.size()];
        Arrays.fill(ones, 1f);
        MemorySegment scales = owner.allocateFrom(ValueLayout.JAVA_FLOAT, ones);
        MemorySegment descs = handles(owner, sources);
        return create(owner, "dnnl_sum_primitive_desc_create", slot ->
                dnnl_sum_primitive_desc_create(slot, engine(), dst.handle(), sources.size(), scales, descs,
                        attr.handle()));
    }

    /**
     * dst = src0 (add or mul) src1, either source broadcast along its dims of size 1 (oneDNN is fastest broadcasting
     * src1); a src1 or dst of format any takes src0's layout.
     */
    public static PrimitiveDesc binary(Arena owner, Algorithm alg, MemoryDesc src0, MemoryDesc src1, MemoryDesc dst,
                                       PrimitiveAttr attr) {
        return create(owner, "dnnl_binary_primitive_desc_create", slot ->
                dnnl_binary_primitive_desc_create(slot, engine(), alg.code(), src0.handle(), src1.handle(),
                        dst.handle(), attr.handle()));
    }

    /** dst = {@code sources} joined along {@code axis}; a null dst lets oneDNN choose its layout. */
    public static PrimitiveDesc concat(Arena owner, MemoryDesc dst, int axis, List<MemoryDesc> sources,
                                       PrimitiveAttr attr) {
        MemorySegment descs = handles(owner, sources);
        return create(owner, "dnnl_concat_primitive_desc_create", slot ->
                dnnl_concat_primitive_desc_create(slot, engine(), handle(dst), sources.size(), axis, descs,
                        attr.handle()));
    }

    /** dst = src reduced ({@code alg}: sum, mean) over the dims where dst has size 1 and src does not. */
    public static PrimitiveDesc reduction(Arena owner, Algorithm alg, MemoryDesc src, MemoryDesc dst,
                                          PrimitiveAttr attr) {
        return create(owner, "dnnl_reduction_primitive_desc_create", slot ->
                dnnl_reduction_primitive_desc_create(slot, engine(), alg.code(), src.handle(), dst.handle(), 0f, 0f,
                        attr.handle()));
    }

    private static MemorySegment handles(Arena owner, List<MemoryDesc> descs) {
        MemorySegment array = owner.allocate(ValueLayout.ADDRESS, descs.size());
        for (int i = 0; i < descs.size(); i++) array.setAtIndex(ValueLayout.ADDRESS, i, descs.get(i).handle());
        return array;
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

    /**
     * {@code values} in native memory, after checking that they hold one value per spatial dimension of
     * {@code data}: oneDNN reads that many from the pointer, whatever the array's length.
     */
    private static MemorySegment spatial(Arena scratch, MemoryDesc data, String name, long[] values) {
        Objects.requireNonNull(values, name);
        int spatial = data.dims().length - 2;
        if (values.length != spatial) {
            throw new IllegalArgumentException(name + " must hold one value per spatial dimension of " + data
                    + ", i.e. " + spatial + ", got " + values.length + ": " + Arrays.toString(values));
        }
        return scratch.allocateFrom(ValueLayout.JAVA_LONG, values);
    }

    /** No dilation: a zero per spatial dimension. */
    private static long[] zeros(MemoryDesc data) {
        return new long[Math.max(data.dims().length - 2, 0)];
    }
}
