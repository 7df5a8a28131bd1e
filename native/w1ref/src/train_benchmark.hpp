// W1's training-throughput measurement.
#pragma once

#include "fashion_mnist.hpp"

#include <string>

namespace w1 {

/// Training throughput with `threads` OpenMP threads: picks the fastest Layout in a short
/// trial, then 20 warm-up steps and 540 timed steps of 100 shuffled images (54,000
/// images). Returns images/s; adds to `notes`.
double run_training_benchmark(const Dataset &train, int threads, std::string &notes);

} // namespace w1
