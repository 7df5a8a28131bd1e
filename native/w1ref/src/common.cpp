#include "common.hpp"

#include <chrono>
#include <cmath>
#include <cstring>
#include <stdexcept>

namespace w1 {

memory::desc f32_desc(const dims &shape, tag layout) {
    return memory::desc(shape, memory::data_type::f32, layout);
}

const char *layout_name(Layout layout) {
    switch (layout) {
        case Layout::any: return "any";
        case Layout::blocked: return "blocked";
        default: return "nhwc";
    }
}

tag activation_tag(Layout layout) {
    switch (layout) {
        case Layout::any: return tag::any;
        case Layout::blocked: return tag::nChw16c;
        default: return tag::nhwc;
    }
}

tag input_tag(Layout layout) {
    return layout == Layout::nhwc ? tag::nhwc : tag::nchw;
}

tag plain_tag(int ndims) {
    switch (ndims) {
        case 1: return tag::a;
        case 2: return tag::ab;
        case 3: return tag::abc;
        case 4: return tag::abcd;
        default: throw std::invalid_argument("rank " + std::to_string(ndims) + " not in 1..4");
    }
}

void Net::add(const dnnl::primitive &prim, std::unordered_map<int, memory> args) {
    if (prim.get_kind() == dnnl::primitive::kind::reorder) ++reorders_;
    prims_.push_back(prim);
    args_.push_back(std::move(args));
}

void Net::run(dnnl::stream &stream) const {
    for (size_t i = 0; i < prims_.size(); ++i)
        prims_[i].execute(stream, args_[i]);
}

memory adapt(Net &net, const memory &mem, const memory::desc &want) {
    if (mem.get_desc() == want) return mem;
    memory out(want, mem.get_engine());
    net.add(dnnl::reorder(mem, out), {{DNNL_ARG_FROM, mem}, {DNNL_ARG_TO, out}});
    return out;
}

std::vector<float> read_plain(const memory &mem, dnnl::stream &stream) {
    const memory::desc desc = mem.get_desc();
    std::vector<float> values(static_cast<size_t>(volume(desc.get_dims())));
    memory plain(f32_desc(desc.get_dims(), plain_tag(desc.get_ndims())), mem.get_engine(),
            values.data());
    dnnl::reorder(mem, plain).execute(stream, {{DNNL_ARG_FROM, mem}, {DNNL_ARG_TO, plain}});
    stream.wait();
    return values;
}

void write_plain(const memory &mem, const std::vector<float> &values, dnnl::stream &stream) {
    const memory::desc desc = mem.get_desc();
    if (static_cast<int64_t>(values.size()) != volume(desc.get_dims()))
        throw std::invalid_argument("write_plain: " + std::to_string(values.size())
                + " values for a tensor of " + std::to_string(volume(desc.get_dims())));
    memory plain(f32_desc(desc.get_dims(), plain_tag(desc.get_ndims())), mem.get_engine(),
            const_cast<float *>(values.data()));
    dnnl::reorder(plain, mem).execute(stream, {{DNNL_ARG_FROM, plain}, {DNNL_ARG_TO, mem}});
    stream.wait();
}

memory make_filled(const dnnl::engine &engine, dnnl::stream &stream,
        const memory::desc &layout, const std::vector<float> &values) {
    memory mem(layout, engine);
    // Blocked layouts may pad; oneDNN expects the padding to hold zeros.
    std::memset(mem.get_data_handle(), 0, layout.get_size());
    write_plain(mem, values, stream);
    return mem;
}

double Rng::normal() {
    double u1 = uniform();
    while (u1 <= 0.0) u1 = uniform();
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
}

std::vector<float> he_normal(int64_t count, int64_t fan_in, Rng &rng) {
    const double stddev = std::sqrt(2.0 / static_cast<double>(fan_in));
    std::vector<float> values(static_cast<size_t>(count));
    for (float &v : values) v = static_cast<float>(stddev * rng.normal());
    return values;
}

double now_seconds() {
    using clock = std::chrono::steady_clock;
    return std::chrono::duration<double>(clock::now().time_since_epoch()).count();
}

std::string isa_name() {
    using isa = dnnl::cpu_isa;
    switch (dnnl::get_effective_cpu_isa()) {
        case isa::sse41: return "sse41";
        case isa::avx: return "avx";
        case isa::avx2: return "avx2";
        case isa::avx2_vnni: return "avx2_vnni";
        case isa::avx2_vnni_2: return "avx2_vnni_2";
        case isa::avx512_core: return "avx512_core";
        case isa::avx512_core_vnni: return "avx512_core_vnni";
        case isa::avx512_core_bf16: return "avx512_core_bf16";
        case isa::avx10_1_512: return "avx10_1_512";
        case isa::avx10_1_512_amx: return "avx10_1_512_amx";
        case isa::avx10_1_512_amx_fp16: return "avx10_1_512_amx_fp16";
        case isa::avx10_2_512: return "avx10_2_512";
        case isa::avx10_2_512_amx_2: return "avx10_2_512_amx_2";
        default: return "other";
    }
}

std::string onednn_version() {
    const dnnl_version_t *v = dnnl::version();
    return std::to_string(v->major) + "." + std::to_string(v->minor) + "."
            + std::to_string(v->patch);
}

std::string impl_of(const dnnl::primitive_desc_base &pd) {
    return pd.impl_info_str();
}

int64_t volume(const dims &shape) {
    int64_t n = 1;
    for (auto d : shape) n *= d;
    return n;
}

} // namespace w1
