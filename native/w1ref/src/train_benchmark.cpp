#include "train_benchmark.hpp"

#include "training.hpp"

#include <omp.h>

#include <algorithm>
#include <cstdio>
#include <numeric>
#include <stdexcept>

namespace w1 {
namespace {

constexpr int64_t kBatch = 100, kWarmup = 20, kSteps = 540;
constexpr int64_t kTrialWarmup = 3, kTrialSteps = 12;

/// Feeds a TrainingNet shuffled batches of the training split.
class BatchFeeder {
public:
    BatchFeeder(const Dataset &train, uint64_t seed)
        : train_(train), rng_(seed), order_(static_cast<size_t>(kBatch * kSteps)),
          images_(static_cast<size_t>(kBatch * Dataset::kPixels)),
          labels_(static_cast<size_t>(kBatch)) {
        std::iota(order_.begin(), order_.end(), 0);
    }

    /// A new epoch order (Fisher-Yates).
    void shuffle() {
        for (size_t i = order_.size() - 1; i > 0; --i)
            std::swap(order_[i], order_[static_cast<size_t>(rng_.next() % (i + 1))]);
    }

    /// Gathers batch `s` of the current order and trains on it; returns the loss.
    double step(TrainingNet &net, int64_t s) {
        for (int64_t i = 0; i < kBatch; ++i) {
            const int64_t k = order_[static_cast<size_t>(s * kBatch + i)];
            std::copy_n(train_.image(k), Dataset::kPixels, images_.data() + i * Dataset::kPixels);
            labels_[static_cast<size_t>(i)] = train_.labels[static_cast<size_t>(k)];
        }
        return net.train_step(images_.data(), labels_.data());
    }

private:
    const Dataset &train_;
    Rng rng_;
    std::vector<int64_t> order_;
    std::vector<float> images_;
    std::vector<uint8_t> labels_;
};

} // namespace

double run_training_benchmark(const Dataset &train, int threads, std::string &notes) {
    if (train.count < kBatch * kSteps)
        throw std::invalid_argument("training needs " + std::to_string(kBatch * kSteps)
                + " images, got " + std::to_string(train.count));
    omp_set_num_threads(threads); // before any primitive is created
    dnnl::engine engine(dnnl::engine::kind::cpu, 0);
    BatchFeeder feeder(train, 2024);
    feeder.shuffle();
    char buf[240];

    // A short trial per layout, as an expert tuning the graph would do.
    Layout best = Layout::any;
    double best_seconds = 1e30;
    std::string trial = "trial s/step:";
    for (Layout layout : {Layout::any, Layout::blocked, Layout::nhwc}) {
        TrainingNet net(engine, kBatch, layout, 1, false);
        for (int64_t s = 0; s < kTrialWarmup; ++s) feeder.step(net, s);
        const double t0 = now_seconds();
        for (int64_t s = 0; s < kTrialSteps; ++s) feeder.step(net, kTrialWarmup + s);
        const double seconds = (now_seconds() - t0) / kTrialSteps;
        std::fprintf(stderr, "train t%d %s: %.2f ms/step; %s\n", threads, layout_name(layout),
                seconds * 1e3, net.describe().c_str());
        std::snprintf(buf, sizeof buf, " %s %.1f ms", layout_name(layout), seconds * 1e3);
        trial += buf;
        if (seconds < best_seconds) best_seconds = seconds, best = layout;
    }

    TrainingNet net(engine, kBatch, best, 1, false);
    for (int64_t s = 0; s < kWarmup; ++s) feeder.step(net, s);
    feeder.shuffle();
    double first_losses = 0, last_losses = 0;
    const double t0 = now_seconds();
    for (int64_t s = 0; s < kSteps; ++s) {
        const double loss = feeder.step(net, s);
        if (s < 20) first_losses += loss;
        if (s >= kSteps - 20) last_losses += loss;
    }
    const double ips = kBatch * kSteps / (now_seconds() - t0);

    std::snprintf(buf, sizeof buf,
            "t%d: %.0f img/s with layout %s (%s); mean loss of the first / last 20 timed steps "
            "%.3f / %.3f. ",
            threads, ips, layout_name(best), trial.c_str(), first_losses / 20, last_losses / 20);
    std::fprintf(stderr, "train %s\n", buf);
    notes += buf;
    return ips;
}

} // namespace w1
