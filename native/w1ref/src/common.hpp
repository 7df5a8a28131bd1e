// Small helpers shared by the w1ref modes: primitive lists, layout adaptation,
// plain-order access to oneDNN memories, a cheap RNG, timing and reporting.
#pragma once

#include <oneapi/dnnl/dnnl.hpp>

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace w1 {

using dnnl::memory;
using tag = memory::format_tag;
using dims = memory::dims;

/// How activations are laid out. On AVX-512 oneDNN's format `any` picks channels-last
/// for most convolutions (brgemm kernels) but a 16-channel blocked layout for a
/// convolution reading NCHW, so letting each layer choose mixes layouts.
enum class Layout {
    any,     ///< each primitive picks (format any); the input stays NCHW
    blocked, ///< nChw16c everywhere after the input (the direct JIT kernels)
    nhwc     ///< channels last everywhere, the input included (the brgemm kernels)
};

const char *layout_name(Layout layout);

/// The activation tag of a layout: any, nChw16c or nhwc.
tag activation_tag(Layout layout);

/// The input's tag: one channel makes NCHW and NHWC the same bytes, so the images are read
/// in place either way; the tag only tells oneDNN which kernels to consider.
tag input_tag(Layout layout);

/// An f32 memory descriptor.
memory::desc f32_desc(const dims &shape, tag layout);

/// The row-major tag for a tensor of the given rank (a, ab, abc, abcd).
tag plain_tag(int ndims);

/// Primitives with their arguments, executed in order on one stream.
class Net {
public:
    void add(const dnnl::primitive &prim, std::unordered_map<int, memory> args);
    void run(dnnl::stream &stream) const;
    /// How many of the primitives are layout reorders (ideally none on a hot path).
    int reorders() const { return reorders_; }

private:
    std::vector<dnnl::primitive> prims_;
    std::vector<std::unordered_map<int, memory>> args_;
    int reorders_ = 0;
};

/// Returns `mem` if it already has the layout `want`, otherwise a new memory with that
/// layout, adding the reorder that fills it to `net`.
memory adapt(Net &net, const memory &mem, const memory::desc &want);

/// Copies a memory's logical content out in row-major order (reordering if blocked).
std::vector<float> read_plain(const memory &mem, dnnl::stream &stream);

/// Sets a memory's logical content from row-major values (reordering if blocked).
void write_plain(const memory &mem, const std::vector<float> &values, dnnl::stream &stream);

/// A memory with the given layout filled from row-major values.
memory make_filled(const dnnl::engine &engine, dnnl::stream &stream,
        const memory::desc &layout, const std::vector<float> &values);

/// Pointer to a CPU memory's buffer.
inline float *data_of(const memory &mem) {
    return static_cast<float *>(mem.get_data_handle());
}

/// Number of floats in a memory's buffer, padding included.
inline int64_t buffer_floats(const memory &mem) {
    return static_cast<int64_t>(mem.get_desc().get_size() / sizeof(float));
}

/// xorshift64* with Box-Muller normals: fast, deterministic, good enough for init and masks.
class Rng {
public:
    explicit Rng(uint64_t seed) : state_(seed ? seed : 0x9E3779B97F4A7C15ull) {}
    uint64_t next() {
        state_ ^= state_ >> 12;
        state_ ^= state_ << 25;
        state_ ^= state_ >> 27;
        return state_ * 0x2545F4914F6CDD1Dull;
    }
    /// Uniform in [0, 1).
    double uniform() { return (next() >> 11) * (1.0 / 9007199254740992.0); }
    double normal();

private:
    uint64_t state_;
};

/// Kaiming (He) normal init, fan-in mode, gain sqrt(2): N(0, 2 / fan_in).
std::vector<float> he_normal(int64_t count, int64_t fan_in, Rng &rng);

/// Monotonic clock in seconds.
double now_seconds();

/// The ISA oneDNN dispatches to, e.g. "avx512_core_bf16".
std::string isa_name();

/// "3.13.0".
std::string onednn_version();

/// The implementation oneDNN picked for a primitive descriptor, e.g. "brg_conv_fwd:avx512_core".
std::string impl_of(const dnnl::primitive_desc_base &pd);

/// Number of elements of a shape.
int64_t volume(const dims &shape);

} // namespace w1
