// W1's inference forward as an expert builds it on oneDNN: batch norm folded into the
// conv / dense weights, ReLU as a post-op, layouts chosen by oneDNN, weights reordered
// once, the flatten free, primitives created once.
#pragma once

#include "common.hpp"

#include <string>
#include <vector>

namespace w1 {

/// Inference parameters in plain layouts (OIHW, OI), batch norm already folded in.
struct FoldedWeights {
    std::vector<float> conv1_w, conv1_b; // 32x1x3x3, 32
    std::vector<float> conv2_w, conv2_b; // 64x32x3x3, 64
    std::vector<float> fc1_w, fc1_b;     // 128x64x7x7 (OIHW: reads the pooled tensor), 128
    std::vector<float> fc2_w, fc2_b;     // 10x128, 10

    /// He-initialised layers with random batch-norm statistics, folded.
    static FoldedWeights random(uint64_t seed);
};

/// The forward network for a fixed batch size: conv+ReLU, pool, conv+ReLU, pool,
/// dense+ReLU, dense. Create with the OpenMP thread count it will run with.
class InferenceNet {
public:
    InferenceNet(const dnnl::engine &engine, dnnl::stream &stream, const FoldedWeights &w,
            int64_t batch, Layout layout);

    /// Runs on `batch` NCHW images read in place (no copy); returns the batch x 10 logits,
    /// valid until the next call.
    const float *run(dnnl::stream &stream, const float *images);

    /// The implementations oneDNN chose and the layouts, for the notes.
    std::string describe() const;

private:
    Net net_;
    memory input_;
    memory logits_;
    std::vector<std::string> impls_;
    std::string layouts_;
};

/// Inference figures; see run_inference_benchmark.
struct InferenceReport {
    double b1_p50_us = 0, b1_p99_us = 0, b256_ips = 0;
    std::string notes;
};

/// Batch-1 latency with 1 thread and batch-256 throughput with 2 threads (whole batch, or
/// two concurrent halves of 128) over `test`, each with the fastest Layout.
InferenceReport run_inference_benchmark(const std::vector<float> &test_pixels, int64_t count);

} // namespace w1
