#include "matmul_peak.hpp"

#include "common.hpp"

#include <omp.h>

#include <algorithm>

namespace w1 {

double matmul_gflops(int64_t size, int threads) {
    using namespace dnnl;
    constexpr int kWarmup = 2, kTimed = 8;
    // Primitives capture the OpenMP thread count when they are created.
    omp_set_num_threads(threads);
    engine eng(engine::kind::cpu, 0);
    stream s(eng);
    const dims shape {size, size};
    auto pd = matmul::primitive_desc(eng, f32_desc(shape, tag::ab), f32_desc(shape, tag::any),
            f32_desc(shape, tag::ab));
    Rng rng(7);
    const std::vector<float> values = he_normal(size * size, size, rng);
    memory a = make_filled(eng, s, pd.src_desc(), values);
    memory b = make_filled(eng, s, pd.weights_desc(), values);
    memory c(pd.dst_desc(), eng);
    matmul mm(pd);
    const double flop = 2.0 * size * size * size;
    double best = 0;
    for (int i = 0; i < kWarmup + kTimed; ++i) {
        const double t0 = now_seconds();
        mm.execute(s, {{DNNL_ARG_SRC, a}, {DNNL_ARG_WEIGHTS, b}, {DNNL_ARG_DST, c}});
        s.wait();
        if (i >= kWarmup) best = std::max(best, flop / (now_seconds() - t0) / 1e9);
    }
    return best;
}

} // namespace w1
