#include "training.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

namespace w1 {
namespace {

using dnnl::algorithm;
using dnnl::normalization_flags;
using dnnl::prop_kind;

constexpr float kBnEps = 1e-5f;
constexpr float kBnMomentum = 0.1f;
constexpr float kLr = 1e-3f, kBeta1 = 0.9f, kBeta2 = 0.999f, kAdamEps = 1e-8f;
constexpr float kDropKeepScale = 2.0f; // inverted dropout, p = 0.5
constexpr int kParams = 14;
const dims kUnit {1, 1}, kSame {1, 1}, kNone {0, 0}, kTwo {2, 2};

// Batch statistics, the scale/shift and the ReLU mask in one primitive each way.
const normalization_flags kBnFlags = normalization_flags::use_scale
        | normalization_flags::use_shift | normalization_flags::fuse_norm_relu;

memory::desc any_desc(const dims &shape) {
    return f32_desc(shape, tag::any);
}

/// Creates a backward primitive descriptor with `make(weights layout)`, first asking for
/// the forward weights' own layout (no reorder of weights or their gradient per step), and
/// falling back to format any if no optimized implementation takes that layout.
template <typename Make>
auto in_forward_weights_layout(const memory::desc &forward_weights, Make make) {
    try {
        auto pd = make(forward_weights);
        if (std::string(pd.impl_info_str()).rfind("ref", 0) != 0) return pd;
    } catch (const dnnl::error &) {
        // no implementation for that layout: let oneDNN choose
    }
    return make(any_desc(forward_weights.get_dims()));
}

/// The C++ loops (dropout, loss) index 2-D tensors row-major: insist on that layout.
void require_row_major(const memory &mem, const char *what) {
    const memory::desc d = mem.get_desc();
    const dims shape = d.get_dims();
    if (d.get_ndims() != 2 || !d.get_inner_blks().empty() || d.get_strides()[0] != shape[1]
            || d.get_strides()[1] != 1)
        throw std::logic_error(std::string(what) + " is not a row-major 2-D tensor");
}

} // namespace

struct TrainingNet::ConvState {
    dnnl::convolution_forward::primitive_desc pd;
    memory src;
    int weight = -1, bias = -1;
};

struct TrainingNet::BnState {
    dnnl::batch_normalization_forward::primitive_desc pd;
    memory src, mean, variance, workspace;
    int scale = -1, shift = -1;
    std::vector<float> running_mean, running_var;
};

struct TrainingNet::PoolState {
    dnnl::pooling_forward::primitive_desc pd;
    memory src, workspace;
};

struct TrainingNet::DenseState {
    dnnl::inner_product_forward::primitive_desc pd;
    memory src;
    int weight = -1, bias = -1;
};

struct TrainingNet::Layers {
    ConvState conv1, conv2;
    BnState bn1, bn2, bn3;
    PoolState pool1, pool2;
    DenseState fc1, fc2;
};

TrainingNet::~TrainingNet() = default;

memory::desc TrainingNet::backward_desc(const memory::desc &forward) const {
    return layout_ == Layout::any ? any_desc(forward.get_dims()) : forward;
}

int TrainingNet::add_param(const std::string &name, const memory::desc &layout,
        const std::vector<float> &plain_values) {
    // Params are handed out by index: the vector must never reallocate.
    if (params_.size() == kParams) throw std::logic_error("more than kParams parameters");
    Param p;
    p.name = name;
    p.value = make_filled(engine_, stream_, layout, plain_values);
    const size_t floats = static_cast<size_t>(buffer_floats(p.value));
    p.m.assign(floats, 0.f);
    p.v.assign(floats, 0.f);
    params_.push_back(std::move(p));
    return static_cast<int>(params_.size()) - 1;
}

void TrainingNet::set_grad(int param, Net &net, const memory &raw_grad) {
    // Adam is elementwise over raw buffers: bring the gradient into the value's layout.
    params_[param].grad = adapt(net, raw_grad, params_[param].value.get_desc());
}

memory TrainingNet::conv_forward(Net &net, const memory &src, int64_t out_channels,
        const std::string &name, ConvState &st, Rng &rng) {
    using namespace dnnl;
    const dims src_shape = src.get_desc().get_dims();
    const int64_t in_channels = src_shape[1];
    const dims w_shape {out_channels, in_channels, 3, 3};
    const dims dst_shape {batch_, out_channels, src_shape[2], src_shape[3]};
    // The single-channel input is read as it is (a blocked layout would pad it to 16).
    const tag act = activation_tag(layout_);
    const memory::desc src_md = in_channels == 1 ? src.get_desc() : f32_desc(src_shape, act);
    st.pd = convolution_forward::primitive_desc(engine_, prop_kind::forward_training,
            algorithm::convolution_direct, src_md, any_desc(w_shape),
            any_desc({out_channels}), f32_desc(dst_shape, act), kUnit, kSame, kSame);
    st.src = adapt(net, src, st.pd.src_desc());
    st.weight = add_param(name + ".weight", st.pd.weights_desc(),
            he_normal(volume(w_shape), in_channels * 9, rng));
    st.bias = add_param(name + ".bias", st.pd.bias_desc(),
            std::vector<float>(static_cast<size_t>(out_channels), 0.f));
    memory dst(st.pd.dst_desc(), engine_);
    net.add(convolution_forward(st.pd),
            {{DNNL_ARG_SRC, st.src}, {DNNL_ARG_WEIGHTS, params_[st.weight].value},
                    {DNNL_ARG_BIAS, params_[st.bias].value}, {DNNL_ARG_DST, dst}});
    impls_.push_back(name + "=" + impl_of(st.pd));
    return dst;
}

memory TrainingNet::conv_backward(Net &net, ConvState &st, const memory &diff_dst,
        bool need_diff_src) {
    using namespace dnnl;
    const memory::desc src_md = backward_desc(st.src.get_desc());
    const memory::desc weights = st.pd.weights_desc();
    const memory::desc dst_md = backward_desc(st.pd.dst_desc());
    memory diff_src;
    if (need_diff_src) {
        // diff_src in the forward src's layout: that is what the layer below produced.
        auto data_pd = in_forward_weights_layout(weights, [&](const memory::desc &w) {
            return convolution_backward_data::primitive_desc(engine_,
                    algorithm::convolution_direct, st.src.get_desc(), w, dst_md, kUnit, kSame,
                    kSame, st.pd);
        });
        memory weights = adapt(net, params_[st.weight].value, data_pd.weights_desc());
        memory dd = adapt(net, diff_dst, data_pd.diff_dst_desc());
        diff_src = memory(data_pd.diff_src_desc(), engine_);
        net.add(convolution_backward_data(data_pd),
                {{DNNL_ARG_DIFF_DST, dd}, {DNNL_ARG_WEIGHTS, weights}, {DNNL_ARG_DIFF_SRC, diff_src}});
        impls_.push_back("bwd_data=" + impl_of(data_pd));
    }
    auto weights_pd = in_forward_weights_layout(weights, [&](const memory::desc &w) {
        return convolution_backward_weights::primitive_desc(engine_,
                algorithm::convolution_direct, src_md, w, any_desc(st.pd.bias_desc().get_dims()),
                dst_md, kUnit, kSame, kSame, st.pd);
    });
    memory src = adapt(net, st.src, weights_pd.src_desc());
    memory dd = adapt(net, diff_dst, weights_pd.diff_dst_desc());
    memory diff_w(weights_pd.diff_weights_desc(), engine_);
    memory diff_b(weights_pd.diff_bias_desc(), engine_);
    net.add(convolution_backward_weights(weights_pd),
            {{DNNL_ARG_SRC, src}, {DNNL_ARG_DIFF_DST, dd}, {DNNL_ARG_DIFF_WEIGHTS, diff_w},
                    {DNNL_ARG_DIFF_BIAS, diff_b}});
    impls_.push_back("bwd_weights=" + impl_of(weights_pd));
    set_grad(st.weight, net, diff_w);
    set_grad(st.bias, net, diff_b);
    return diff_src;
}

memory TrainingNet::bn_forward(Net &net, const memory &src, const std::string &name,
        BnState &st) {
    using namespace dnnl;
    const int64_t channels = src.get_desc().get_dims()[1];
    st.pd = batch_normalization_forward::primitive_desc(engine_, prop_kind::forward_training,
            src.get_desc(), src.get_desc(), kBnEps, kBnFlags);
    st.src = src;
    st.mean = memory(st.pd.mean_desc(), engine_);
    st.variance = memory(st.pd.variance_desc(), engine_);
    st.workspace = memory(st.pd.workspace_desc(), engine_);
    memory dst(st.pd.dst_desc(), engine_);
    const memory::desc per_channel = f32_desc({channels}, tag::x);
    st.scale = add_param(name + ".weight", per_channel,
            std::vector<float>(static_cast<size_t>(channels), 1.f));
    st.shift = add_param(name + ".bias", per_channel,
            std::vector<float>(static_cast<size_t>(channels), 0.f));
    st.running_mean.assign(static_cast<size_t>(channels), 0.f);
    st.running_var.assign(static_cast<size_t>(channels), 1.f);
    net.add(batch_normalization_forward(st.pd),
            {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, dst}, {DNNL_ARG_MEAN, st.mean},
                    {DNNL_ARG_VARIANCE, st.variance}, {DNNL_ARG_SCALE, params_[st.scale].value},
                    {DNNL_ARG_SHIFT, params_[st.shift].value}, {DNNL_ARG_WORKSPACE, st.workspace}});
    impls_.push_back(name + "=" + impl_of(st.pd));
    bns_.push_back(&st);
    return dst;
}

memory TrainingNet::bn_backward(Net &net, BnState &st, const memory &diff_dst) {
    using namespace dnnl;
    const memory::desc data = st.src.get_desc();
    auto pd = batch_normalization_backward::primitive_desc(engine_, prop_kind::backward, data,
            data, data, kBnEps, kBnFlags, st.pd);
    memory dd = adapt(net, diff_dst, pd.diff_dst_desc());
    memory diff_src(pd.diff_src_desc(), engine_);
    memory diff_scale(params_[st.scale].value.get_desc(), engine_);
    memory diff_shift(params_[st.shift].value.get_desc(), engine_);
    net.add(batch_normalization_backward(pd),
            {{DNNL_ARG_SRC, st.src}, {DNNL_ARG_MEAN, st.mean}, {DNNL_ARG_VARIANCE, st.variance},
                    {DNNL_ARG_SCALE, params_[st.scale].value}, {DNNL_ARG_WORKSPACE, st.workspace},
                    {DNNL_ARG_DIFF_DST, dd}, {DNNL_ARG_DIFF_SRC, diff_src},
                    {DNNL_ARG_DIFF_SCALE, diff_scale}, {DNNL_ARG_DIFF_SHIFT, diff_shift}});
    impls_.push_back("bwd=" + impl_of(pd));
    set_grad(st.scale, net, diff_scale);
    set_grad(st.shift, net, diff_shift);
    return diff_src;
}

memory TrainingNet::pool_forward(Net &net, const memory &src, PoolState &st) {
    using namespace dnnl;
    const dims s = src.get_desc().get_dims();
    st.pd = pooling_forward::primitive_desc(engine_, prop_kind::forward_training,
            algorithm::pooling_max, src.get_desc(),
            f32_desc({s[0], s[1], s[2] / 2, s[3] / 2}, activation_tag(layout_)),
            kTwo, kTwo, kNone, kNone, kNone);
    st.src = src;
    st.workspace = memory(st.pd.workspace_desc(), engine_);
    memory dst(st.pd.dst_desc(), engine_);
    net.add(pooling_forward(st.pd),
            {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, dst}, {DNNL_ARG_WORKSPACE, st.workspace}});
    impls_.push_back("pool=" + impl_of(st.pd));
    return dst;
}

memory TrainingNet::pool_backward(Net &net, PoolState &st, const memory &diff_dst) {
    using namespace dnnl;
    auto pd = pooling_backward::primitive_desc(engine_, algorithm::pooling_max,
            st.src.get_desc(), st.pd.dst_desc(), kTwo, kTwo, kNone, kNone, kNone, st.pd);
    memory dd = adapt(net, diff_dst, pd.diff_dst_desc());
    memory diff_src(pd.diff_src_desc(), engine_);
    net.add(pooling_backward(pd),
            {{DNNL_ARG_DIFF_DST, dd}, {DNNL_ARG_DIFF_SRC, diff_src},
                    {DNNL_ARG_WORKSPACE, st.workspace}});
    impls_.push_back("bwd=" + impl_of(pd));
    return diff_src;
}

memory TrainingNet::dense_forward(Net &net, const memory &src, int64_t out,
        const std::string &name, DenseState &st, Rng &rng) {
    using namespace dnnl;
    // A 4-D src keeps its layout and gets 4-D weights laid out to match: the flatten is free.
    dims w_shape = src.get_desc().get_dims();
    w_shape[0] = out;
    const int64_t fan_in = volume(w_shape) / out;
    st.pd = inner_product_forward::primitive_desc(engine_, prop_kind::forward_training,
            src.get_desc(), any_desc(w_shape), any_desc({out}), any_desc({batch_, out}));
    st.src = adapt(net, src, st.pd.src_desc());
    st.weight = add_param(name + ".weight", st.pd.weights_desc(),
            he_normal(volume(w_shape), fan_in, rng));
    st.bias = add_param(name + ".bias", st.pd.bias_desc(),
            std::vector<float>(static_cast<size_t>(out), 0.f));
    memory dst(st.pd.dst_desc(), engine_);
    net.add(inner_product_forward(st.pd),
            {{DNNL_ARG_SRC, st.src}, {DNNL_ARG_WEIGHTS, params_[st.weight].value},
                    {DNNL_ARG_BIAS, params_[st.bias].value}, {DNNL_ARG_DST, dst}});
    impls_.push_back(name + "=" + impl_of(st.pd));
    return dst;
}

memory TrainingNet::dense_backward(Net &net, DenseState &st, const memory &diff_dst,
        bool need_diff_src) {
    using namespace dnnl;
    const memory::desc weights = st.pd.weights_desc();
    const memory::desc dst_md = backward_desc(st.pd.dst_desc());
    memory diff_src;
    if (need_diff_src) {
        auto data_pd = in_forward_weights_layout(weights, [&](const memory::desc &w) {
            return inner_product_backward_data::primitive_desc(engine_, st.src.get_desc(), w,
                    dst_md, st.pd);
        });
        memory weights = adapt(net, params_[st.weight].value, data_pd.weights_desc());
        memory dd = adapt(net, diff_dst, data_pd.diff_dst_desc());
        diff_src = memory(data_pd.diff_src_desc(), engine_);
        net.add(inner_product_backward_data(data_pd),
                {{DNNL_ARG_DIFF_DST, dd}, {DNNL_ARG_WEIGHTS, weights}, {DNNL_ARG_DIFF_SRC, diff_src}});
        impls_.push_back("bwd_data=" + impl_of(data_pd));
    }
    auto weights_pd = in_forward_weights_layout(weights, [&](const memory::desc &w) {
        return inner_product_backward_weights::primitive_desc(engine_, st.src.get_desc(), w,
                any_desc(st.pd.bias_desc().get_dims()), dst_md, st.pd);
    });
    memory src = adapt(net, st.src, weights_pd.src_desc());
    memory dd = adapt(net, diff_dst, weights_pd.diff_dst_desc());
    memory diff_w(weights_pd.diff_weights_desc(), engine_);
    memory diff_b(weights_pd.diff_bias_desc(), engine_);
    net.add(inner_product_backward_weights(weights_pd),
            {{DNNL_ARG_SRC, src}, {DNNL_ARG_DIFF_DST, dd}, {DNNL_ARG_DIFF_WEIGHTS, diff_w},
                    {DNNL_ARG_DIFF_BIAS, diff_b}});
    impls_.push_back("bwd_weights=" + impl_of(weights_pd));
    set_grad(st.weight, net, diff_w);
    set_grad(st.bias, net, diff_b);
    return diff_src;
}

TrainingNet::TrainingNet(const dnnl::engine &engine, int64_t batch, Layout layout,
        uint64_t seed, bool input_grad)
    : engine_(engine), stream_(engine), batch_(batch), layout_(layout),
      mask_rng_(seed ^ 0x5DEECE66Dull),
      layers_(std::make_unique<Layers>()) {
    Rng rng(seed);
    Layers &l = *layers_;
    params_.reserve(kParams);

    input_ = memory(f32_desc({batch, 1, 28, 28}, input_tag(layout)), engine_, nullptr);
    memory x = conv_forward(forward_a_, input_, 32, "conv1", l.conv1, rng);
    x = bn_forward(forward_a_, x, "bn1", l.bn1);
    x = pool_forward(forward_a_, x, l.pool1);
    x = conv_forward(forward_a_, x, 64, "conv2", l.conv2, rng);
    x = bn_forward(forward_a_, x, "bn2", l.bn2);
    x = pool_forward(forward_a_, x, l.pool2);
    x = dense_forward(forward_a_, x, 128, "fc1", l.fc1, rng);
    dropout_src_ = bn_forward(forward_a_, x, "bn3", l.bn3);
    require_row_major(dropout_src_, "the dense block's output");
    dropout_dst_ = memory(dropout_src_.get_desc(), engine_);
    logits_ = dense_forward(forward_b_, dropout_dst_, 10, "fc2", l.fc2, rng);
    require_row_major(logits_, "the logits");
    logits_grad_ = memory(logits_.get_desc(), engine_);
    mask_.assign(static_cast<size_t>(buffer_floats(dropout_src_)), kDropKeepScale);

    dropout_dst_grad_ = dense_backward(backward_a_, l.fc2, logits_grad_, true);
    require_row_major(dropout_dst_grad_, "the dropout output's gradient");
    dropout_src_grad_ = memory(dropout_src_.get_desc(), engine_);
    x = bn_backward(backward_b_, l.bn3, dropout_src_grad_);
    x = dense_backward(backward_b_, l.fc1, x, true);
    x = pool_backward(backward_b_, l.pool2, x);
    x = bn_backward(backward_b_, l.bn2, x);
    x = conv_backward(backward_b_, l.conv2, x, true);
    x = pool_backward(backward_b_, l.pool1, x);
    x = bn_backward(backward_b_, l.bn1, x);
    input_grad_ = conv_backward(backward_b_, l.conv1, x, input_grad);
    if (params_.size() != kParams) throw std::logic_error("parameter count is not kParams");
}

void TrainingNet::new_dropout_mask() {
    const size_t n = mask_.size();
    for (size_t i = 0; i < n; i += 64) {
        const uint64_t bits = mask_rng_.next();
        for (size_t j = 0; j < 64 && i + j < n; ++j)
            mask_[i + j] = ((bits >> j) & 1u) ? kDropKeepScale : 0.f;
    }
}

double TrainingNet::forward(const float *images, const uint8_t *labels) {
    input_.set_data_handle(const_cast<float *>(images));
    forward_a_.run(stream_);
    stream_.wait();
    const float *src = data_of(dropout_src_);
    float *dst = data_of(dropout_dst_);
    for (size_t i = 0; i < mask_.size(); ++i) dst[i] = src[i] * mask_[i];
    forward_b_.run(stream_);
    stream_.wait();

    // Softmax cross-entropy, mean over the batch; its gradient is (softmax - onehot) / N.
    const float *z = data_of(logits_);
    float *dz = data_of(logits_grad_);
    double loss = 0;
    for (int64_t r = 0; r < batch_; ++r, z += 10, dz += 10) {
        const float top = *std::max_element(z, z + 10);
        double sum = 0;
        for (int j = 0; j < 10; ++j) sum += std::exp(static_cast<double>(z[j] - top));
        const double log_sum = top + std::log(sum);
        loss += log_sum - z[labels[r]];
        for (int j = 0; j < 10; ++j)
            dz[j] = static_cast<float>(
                    (std::exp(z[j] - log_sum) - (j == labels[r] ? 1.0 : 0.0)) / batch_);
    }
    return loss / batch_;
}

void TrainingNet::backward() {
    backward_a_.run(stream_);
    stream_.wait();
    const float *dd = data_of(dropout_dst_grad_);
    float *ds = data_of(dropout_src_grad_);
    for (size_t i = 0; i < mask_.size(); ++i) ds[i] = dd[i] * mask_[i];
    backward_b_.run(stream_);
    stream_.wait();
}

void TrainingNet::update_running_stats() {
    for (BnState *bn : bns_) {
        const dims shape = bn->src.get_desc().get_dims();
        const double n = static_cast<double>(volume(shape) / shape[1]);
        const float unbias = static_cast<float>(n / (n - 1));
        const float *mean = data_of(bn->mean);
        const float *var = data_of(bn->variance);
        for (size_t c = 0; c < bn->running_mean.size(); ++c) {
            bn->running_mean[c] += kBnMomentum * (mean[c] - bn->running_mean[c]);
            bn->running_var[c] += kBnMomentum * (var[c] * unbias - bn->running_var[c]);
        }
    }
}

void TrainingNet::adam_step() {
    ++adam_steps_;
    // PyTorch's form: p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps).
    const float step = kLr / (1.f - std::pow(kBeta1, static_cast<float>(adam_steps_)));
    const float inv_sqrt_bc2 = 1.f / std::sqrt(1.f - std::pow(kBeta2, static_cast<float>(adam_steps_)));
#pragma omp parallel
    for (Param &p : params_) {
        float *w = data_of(p.value);
        const float *g = data_of(p.grad);
        float *m = p.m.data();
        float *v = p.v.data();
        const int64_t n = static_cast<int64_t>(p.m.size());
#pragma omp for simd schedule(static) nowait
        for (int64_t i = 0; i < n; ++i) {
            m[i] = kBeta1 * m[i] + (1.f - kBeta1) * g[i];
            v[i] = kBeta2 * v[i] + (1.f - kBeta2) * g[i] * g[i];
            w[i] -= step * m[i] / (std::sqrt(v[i]) * inv_sqrt_bc2 + kAdamEps);
        }
    }
}

double TrainingNet::train_step(const float *images, const uint8_t *labels) {
    new_dropout_mask();
    const double loss = forward(images, labels);
    update_running_stats();
    backward();
    adam_step();
    return loss;
}

std::string TrainingNet::describe() const {
    std::ostringstream out;
    out << "impls [";
    for (size_t i = 0; i < impls_.size(); ++i) out << (i ? " " : "") << impls_[i];
    out << "], reorders per step: forward " << forward_a_.reorders() + forward_b_.reorders()
        << ", backward " << backward_a_.reorders() + backward_b_.reorders();
    return out.str();
}

} // namespace w1
