package dev.jdnn.runtime;

import static dev.jdnn.internal.ffi.dnnl_h.*;

/** oneDNN algorithm kinds used by jdnn's layers. */
public enum Algorithm {
    CONVOLUTION_DIRECT(dnnl_convolution_direct),
    POOLING_MAX(dnnl_pooling_max),
    POOLING_AVG_EXCLUDE_PADDING(dnnl_pooling_avg_exclude_padding),
    POOLING_AVG_INCLUDE_PADDING(dnnl_pooling_avg_include_padding),
    ELTWISE_LINEAR(dnnl_eltwise_linear),
    ELTWISE_RELU(dnnl_eltwise_relu),
    ELTWISE_LOGISTIC(dnnl_eltwise_logistic),
    ELTWISE_TANH(dnnl_eltwise_tanh),
    ELTWISE_ELU(dnnl_eltwise_elu),
    ELTWISE_SOFT_RELU(dnnl_eltwise_soft_relu),
    ELTWISE_SWISH(dnnl_eltwise_swish),
    ELTWISE_CLIP_V2(dnnl_eltwise_clip_v2),
    ELTWISE_HARDSIGMOID(dnnl_eltwise_hardsigmoid),
    ELTWISE_HARDSWISH(dnnl_eltwise_hardswish),
    ELTWISE_GELU_ERF(dnnl_eltwise_gelu_erf),
    ELTWISE_GELU_TANH(dnnl_eltwise_gelu_tanh),
    ELTWISE_RELU_USE_DST_FOR_BWD(dnnl_eltwise_relu_use_dst_for_bwd),
    ELTWISE_LOGISTIC_USE_DST_FOR_BWD(dnnl_eltwise_logistic_use_dst_for_bwd),
    ELTWISE_TANH_USE_DST_FOR_BWD(dnnl_eltwise_tanh_use_dst_for_bwd),
    ELTWISE_ELU_USE_DST_FOR_BWD(dnnl_eltwise_elu_use_dst_for_bwd),
    ELTWISE_CLIP_V2_USE_DST_FOR_BWD(dnnl_eltwise_clip_v2_use_dst_for_bwd),
    SOFTMAX_ACCURATE(dnnl_softmax_accurate),
    SOFTMAX_LOG(dnnl_softmax_log),
    BINARY_ADD(dnnl_binary_add),
    BINARY_MUL(dnnl_binary_mul),
    REDUCTION_SUM(dnnl_reduction_sum),
    REDUCTION_MEAN(dnnl_reduction_mean);

    private final int code;

    Algorithm(int code) {
        this.code = code;
    }

    int code() {
        return code;
    }
}
