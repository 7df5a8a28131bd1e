// The machine's f32 matmul peak through oneDNN's matmul primitive.
#pragma once

#include <cstdint>

namespace w1 {

/// Best GFLOP/s of repeated size x size x size f32 matmuls with `threads` OpenMP threads
/// (weights in the layout the primitive prefers, reordered once).
double matmul_gflops(int64_t size, int threads);

} // namespace w1
