#include "gradcheck.hpp"

#include "training.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <numeric>

namespace w1 {
namespace {

constexpr int64_t kBatch = 100;
// Central-difference step. Larger steps cross ReLU / max-pool kinks (at 1e-2 the conv1
// weights' difference quotient is off by 40%), smaller ones drown in float32 rounding.
constexpr double kStep = 1e-3;
constexpr double kTolerance = 1e-2; // relative error allowed
// The float32 forward's loss moves by up to ~1e-6 from rounding alone, i.e. about
// 5e-4 in a difference quotient over 2 * kStep: an element check also allows this much
// absolute error, and a whole-tensor check accepts gradient norms both below kZeroNorm
// as zero (the exact gradient of a bias feeding a batch norm is zero).
constexpr double kElementNoise = 1e-3;
constexpr double kZeroNorm = 5e-3;
constexpr int kElements = 3;
constexpr double kJitter = 0.2;

struct Check {
    double analytic = 0, numeric = 0;
    size_t index = 0;

    double relative() const {
        const double scale = std::max(std::fabs(analytic), std::fabs(numeric));
        return scale > 0 ? std::fabs(analytic - numeric) / scale : 0.0;
    }
    bool tensor_ok() const {
        return relative() <= kTolerance
                || (std::fabs(analytic) < kZeroNorm && std::fabs(numeric) < kZeroNorm);
    }
    bool element_ok() const {
        return std::fabs(analytic - numeric)
                <= kTolerance * std::max(std::fabs(analytic), std::fabs(numeric)) + kElementNoise;
    }
};

/// Indices of the kElements largest |gradient| entries.
std::vector<size_t> largest(const std::vector<float> &grad) {
    std::vector<size_t> idx(grad.size());
    std::iota(idx.begin(), idx.end(), 0);
    const size_t k = std::min<size_t>(kElements, idx.size());
    std::partial_sort(idx.begin(), idx.begin() + k, idx.end(),
            [&](size_t a, size_t b) { return std::fabs(grad[a]) > std::fabs(grad[b]); });
    idx.resize(k);
    return idx;
}

/// Checks one tensor: `set(values)` installs values and `loss()` recomputes the forward.
/// Returns whether all checks passed; prints the direction check and the worst element.
bool check_tensor(const std::string &name, const std::vector<float> &original,
        const std::vector<float> &grad, const std::function<void(const std::vector<float> &)> &set,
        const std::function<double()> &loss) {
    auto central = [&](const std::vector<float> &direction) {
        std::vector<float> v(original.size());
        for (size_t i = 0; i < v.size(); ++i) v[i] = original[i] + float(kStep * direction[i]);
        set(v);
        const double plus = loss();
        for (size_t i = 0; i < v.size(); ++i) v[i] = original[i] - float(kStep * direction[i]);
        set(v);
        const double minus = loss();
        set(original);
        return (plus - minus) / (2 * kStep);
    };

    // Along the gradient itself: the derivative there is the gradient's norm, a signal
    // large enough to beat the rounding noise even for layers with tiny elements.
    double norm = 0;
    for (float g : grad) norm += double(g) * g;
    norm = std::sqrt(norm);
    std::vector<float> direction(grad.size(), 0.f);
    if (norm > 0)
        for (size_t i = 0; i < grad.size(); ++i) direction[i] = float(grad[i] / norm);
    else
        direction[0] = 1.f;
    Check along {norm, central(direction), 0};

    Check worst;
    bool elements_ok = true;
    for (size_t i : largest(grad)) {
        std::fill(direction.begin(), direction.end(), 0.f);
        direction[i] = 1.f;
        const Check c {grad[i], central(direction), i};
        elements_ok = elements_ok && c.element_ok();
        if (c.relative() >= worst.relative()) worst = c;
    }
    const bool ok = along.tensor_ok() && elements_ok;
    std::printf("%-12s %s  along gradient: |g| %.4e, numeric %.4e, rel. error %.1e;  "
                "worst of top-%d elements [%zu]: %+.4e vs %+.4e, rel. error %.1e\n",
            name.c_str(), ok ? "ok  " : "FAIL", along.analytic, along.numeric, along.relative(),
            kElements, worst.index, worst.analytic, worst.numeric, worst.relative());
    return ok;
}

} // namespace

namespace {

/// All checks for the network built with `layout`; true if they pass.
bool check_layout(const dnnl::engine &engine, const Dataset &train, Layout layout) {
    TrainingNet net(engine, kBatch, layout, 11, true);
    dnnl::stream &stream = net.stream();
    // Real images, jittered: Fashion-MNIST's background is exactly 0, so max-pool windows
    // hold ties, where the loss has one-sided derivatives only and a central difference
    // disagrees with any backward pass (by ~17% along the input gradient). A jitter much
    // larger than kStep breaks the ties.
    std::vector<float> images(train.pixels.begin(), train.pixels.begin() + kBatch * Dataset::kPixels);
    Rng jitter(5);
    for (float &x : images) x += static_cast<float>(kJitter * jitter.uniform());
    const uint8_t *labels = train.labels.data();
    auto loss = [&] { return net.forward(images.data(), labels); };

    net.new_dropout_mask(); // fixed for every forward below
    std::printf("layout %s: loss %.6f (batch %lld, training-mode batch norm, fixed dropout mask)\n",
            layout_name(layout), loss(), static_cast<long long>(kBatch));
    net.backward();

    bool ok = true;
    for (Param &p : net.params()) {
        ok = check_tensor(p.name, read_plain(p.value, stream), read_plain(p.grad, stream),
                     [&](const std::vector<float> &v) { write_plain(p.value, v, stream); }, loss)
                && ok;
    }
    const std::vector<float> original = images;
    return check_tensor("input", original, read_plain(net.input_grad(), stream),
                   [&](const std::vector<float> &v) { images = v; }, loss)
            && ok;
}

} // namespace

int run_gradcheck(const Dataset &train) {
    if (train.count < kBatch)
        throw std::invalid_argument("gradcheck needs " + std::to_string(kBatch) + " images");
    omp_set_num_threads(1); // one thread: reductions run in the same order every forward
    dnnl::engine engine(dnnl::engine::kind::cpu, 0);
    // Training may pick any layout, and each wires different reorders into the graph.
    bool ok = true;
    for (Layout layout : {Layout::any, Layout::blocked, Layout::nhwc})
        ok = check_layout(engine, train, layout) && ok;
    std::printf("gradcheck %s (step %.0e; relative tolerance %.0e; element noise allowance "
                "%.0e; tensor gradients below %.0e count as zero)\n",
            ok ? "passed" : "FAILED", kStep, kTolerance, kElementNoise, kZeroNorm);
    return ok ? 0 : 1;
}

} // namespace w1
