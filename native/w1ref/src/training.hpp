// W1's training step chained on oneDNN primitives the way oneDNN's own
// cnn_training_f32 example does: forward-training primitives keeping what backward
// needs (batch statistics, ReLU and max-pool workspaces), backward-data and
// backward-weights primitives hinted by their forward, and Adam in a C++ loop.
#pragma once

#include "common.hpp"

#include <memory>
#include <string>
#include <vector>

namespace w1 {

/// A trainable tensor. `value` has the layout the forward primitive chose and `grad`
/// the same one, so that Adam runs elementwise over the raw buffers.
struct Param {
    std::string name;
    memory value;
    memory grad;
    std::vector<float> m, v; // Adam moments, one per buffer element (padding included)
};

/// SimpleCNN's training graph for a fixed batch, built for the current OpenMP thread count.
class TrainingNet {
public:
    /// `input_grad` also builds conv1's backward-data primitive (only gradcheck needs it).
    TrainingNet(const dnnl::engine &engine, int64_t batch, Layout layout, uint64_t seed,
            bool input_grad);
    ~TrainingNet();
    TrainingNet(const TrainingNet &) = delete;
    TrainingNet &operator=(const TrainingNet &) = delete;

    /// Draws a new inverted-dropout mask (keep probability 0.5, kept units scaled by 2).
    void new_dropout_mask();

    /// Forward in training mode (batch statistics, the current dropout mask) on `batch`
    /// NCHW images read in place; computes the logits' gradient and returns the mean
    /// softmax cross-entropy.
    double forward(const float *images, const uint8_t *labels);

    /// Backward through the whole graph: fills every Param::grad (and input_grad()).
    void backward();

    /// running = 0.9 * running + 0.1 * batch statistic (unbiased variance, as PyTorch).
    void update_running_stats();

    /// One Adam step (lr 1e-3, betas 0.9 / 0.999, eps 1e-8) over all parameters.
    void adam_step();

    /// new_dropout_mask, forward, update_running_stats, backward, adam_step.
    double train_step(const float *images, const uint8_t *labels);

    std::vector<Param> &params() { return params_; }
    /// The loss gradient w.r.t. the input, NCHW; only with `input_grad`.
    const memory &input_grad() const { return input_grad_; }
    dnnl::stream &stream() { return stream_; }
    std::string describe() const;

private:
    struct ConvState;
    struct BnState;
    struct PoolState;
    struct DenseState;

    int add_param(const std::string &name, const memory::desc &layout,
            const std::vector<float> &plain_values);
    void set_grad(int param, Net &net, const memory &raw_grad);

    memory conv_forward(Net &net, const memory &src, int64_t out_channels, const std::string &name,
            ConvState &st, Rng &rng);
    memory conv_backward(Net &net, ConvState &st, const memory &diff_dst, bool need_diff_src);
    memory bn_forward(Net &net, const memory &src, const std::string &name, BnState &st);
    memory bn_backward(Net &net, BnState &st, const memory &diff_dst);
    memory pool_forward(Net &net, const memory &src, PoolState &st);
    memory pool_backward(Net &net, PoolState &st, const memory &diff_dst);
    memory dense_forward(Net &net, const memory &src, int64_t out, const std::string &name,
            DenseState &st, Rng &rng);
    memory dense_backward(Net &net, DenseState &st, const memory &diff_dst, bool need_diff_src);

    /// The descriptor backward primitives get for a tensor the forward laid out as
    /// `forward`: format any if the layout is Layout::any, else `forward` itself.
    memory::desc backward_desc(const memory::desc &forward) const;

    dnnl::engine engine_;
    dnnl::stream stream_;
    int64_t batch_;
    Layout layout_;
    Rng mask_rng_;
    int64_t adam_steps_ = 0;

    // forward_a: conv blocks and the first dense block; dropout runs in C++ between
    // forward_a and forward_b (dense 128->10), and its backward between backward_a / _b.
    Net forward_a_, forward_b_, backward_a_, backward_b_;
    memory input_, input_grad_, logits_, logits_grad_;
    memory dropout_src_, dropout_dst_, dropout_dst_grad_, dropout_src_grad_;
    std::vector<float> mask_;
    std::vector<Param> params_;
    std::vector<BnState *> bns_;
    std::vector<std::string> impls_;

    struct Layers;
    std::unique_ptr<Layers> layers_;
};

} // namespace w1
