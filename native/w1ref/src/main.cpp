// w1ref: W1 (SimpleCNN on Fashion-MNIST) written directly against oneDNN, the native
// reference jdnn is measured against. Each benchmark mode prints one JSON object as its
// last line; details go to stderr.
#include "common.hpp"
#include "fashion_mnist.hpp"
#include "gradcheck.hpp"
#include "inference.hpp"
#include "json.hpp"
#include "matmul_peak.hpp"
#include "train_benchmark.hpp"

#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

const char *kUsage =
        "usage: w1ref infer [--json] [--data DIR]\n"
        "       w1ref train [--threads 1|2] [--json] [--data DIR]   (both counts if omitted)\n"
        "       w1ref gradcheck [--data DIR]\n"
        "       w1ref matmul [--size N] [--json]\n"
        "The JSON object is always the last line of stdout (--json is accepted for symmetry\n"
        "with the other W1 harnesses). DIR holds the Fashion-MNIST IDX .gz files\n"
        "(default $W1_DATA, else /usr/share/datasets/fashion-mnist).\n";

struct Options {
    std::string mode;
    std::string data_dir;
    std::vector<int> threads {1, 2};
    int64_t matmul_size = 2048;
};

long parse_int(const std::string &flag, const char *text, long lo, long hi) {
    char *end = nullptr;
    const long v = std::strtol(text, &end, 10);
    if (!*text || *end || v < lo || v > hi)
        throw std::invalid_argument(flag + " '" + text + "' is not an integer in "
                + std::to_string(lo) + ".." + std::to_string(hi));
    return v;
}

Options parse(int argc, char **argv) {
    if (argc < 2) throw std::invalid_argument("no mode given");
    Options o;
    o.mode = argv[1];
    if (o.mode != "infer" && o.mode != "train" && o.mode != "gradcheck" && o.mode != "matmul")
        throw std::invalid_argument("mode '" + o.mode
                + "' is not one of infer, train, gradcheck, matmul");
    for (int i = 2; i < argc; ++i) {
        const std::string arg = argv[i];
        auto value = [&]() -> const char * {
            if (i + 1 >= argc) throw std::invalid_argument(arg + " needs a value");
            return argv[++i];
        };
        if (arg == "--json") continue;
        if (arg == "--data") o.data_dir = value();
        else if (arg == "--threads" && o.mode == "train")
            o.threads = {static_cast<int>(parse_int(arg, value(), 1, 2))};
        else if (arg == "--size" && o.mode == "matmul")
            o.matmul_size = parse_int(arg, value(), 64, 8192);
        else
            throw std::invalid_argument("option '" + arg + "' is not valid for mode " + o.mode);
    }
    return o;
}

/// Prints the figures followed by the fields every W1 harness reports, as the last line.
void print_json(w1::JsonLine &json, const std::string &notes) {
    json.str("engine", "c++ onednn").str("version", w1::onednn_version()).str("isa", w1::isa_name());
    if (!notes.empty()) json.str("notes", notes);
    std::printf("%s\n", json.text().c_str());
}

int run(const Options &o) {
    const std::string dir = w1::dataset_dir(o.data_dir);
    w1::JsonLine json;
    if (o.mode == "infer") {
        const w1::Dataset test = w1::load_fashion_mnist(dir, "t10k", 0);
        const w1::InferenceReport r = w1::run_inference_benchmark(test.pixels, test.count);
        json.num("infer_b1_p50_us", r.b1_p50_us).num("infer_b1_p99_us", r.b1_p99_us)
                .num("infer_b256_ips", r.b256_ips, 0);
        print_json(json, r.notes);
    } else if (o.mode == "train") {
        // W1's training split: the first 54,000 training images.
        const w1::Dataset train = w1::load_fashion_mnist(dir, "train", 54000);
        std::string notes;
        for (int threads : o.threads) {
            const double ips = w1::run_training_benchmark(train, threads, notes);
            json.num("train_ips_t" + std::to_string(threads), ips, 0);
        }
        print_json(json, notes + "batch 100, Adam, dropout mask from xorshift per step, "
                        "BN with fused ReLU, 540 timed steps after 20 warm-up steps.");
    } else if (o.mode == "gradcheck") {
        return w1::run_gradcheck(w1::load_fashion_mnist(dir, "train", 100));
    } else {
        const double t1 = w1::matmul_gflops(o.matmul_size, 1);
        const double t2 = w1::matmul_gflops(o.matmul_size, 2);
        json.num("matmul_gflops_t1", t1).num("matmul_gflops_t2", t2)
                .num("matmul_size", static_cast<double>(o.matmul_size), 0);
        print_json(json, "f32 matmul, square, best of 8 after 2 warm-up runs");
    }
    return 0;
}

} // namespace

int main(int argc, char **argv) {
    try {
        return run(parse(argc, argv));
    } catch (const std::invalid_argument &e) {
        std::fprintf(stderr, "w1ref: %s\n%s", e.what(), kUsage);
        return 2;
    } catch (const dnnl::error &e) {
        std::fprintf(stderr, "w1ref: oneDNN error %d: %s\n", static_cast<int>(e.status), e.what());
        return 1;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "w1ref: %s\n", e.what());
        return 1;
    }
}
