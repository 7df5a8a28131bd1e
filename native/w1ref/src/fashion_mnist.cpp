#include "fashion_mnist.hpp"

#include <zlib.h>

#include <cstdlib>
#include <memory>
#include <stdexcept>

namespace w1 {
namespace {

constexpr uint32_t kImagesMagic = 0x00000803;
constexpr uint32_t kLabelsMagic = 0x00000801;

struct GzCloser {
    void operator()(gzFile_s *f) const { gzclose(f); }
};
using GzFile = std::unique_ptr<gzFile_s, GzCloser>;

GzFile open_gz(const std::string &path) {
    GzFile file(gzopen(path.c_str(), "rb"));
    if (!file) throw std::runtime_error("cannot open " + path);
    return file;
}

void read_exact(gzFile_s *file, void *dst, size_t bytes, const std::string &path) {
    // gzread takes an unsigned count: read in chunks well below its limit.
    auto *out = static_cast<unsigned char *>(dst);
    while (bytes > 0) {
        const unsigned chunk = bytes > (1u << 30) ? (1u << 30) : static_cast<unsigned>(bytes);
        const int got = gzread(file, out, chunk);
        if (got <= 0) throw std::runtime_error("truncated or corrupt file " + path);
        out += got;
        bytes -= static_cast<size_t>(got);
    }
}

uint32_t read_be32(gzFile_s *file, const std::string &path) {
    unsigned char b[4];
    read_exact(file, b, 4, path);
    return (uint32_t(b[0]) << 24) | (uint32_t(b[1]) << 16) | (uint32_t(b[2]) << 8) | b[3];
}

void expect(bool ok, const std::string &path, const std::string &what) {
    if (!ok) throw std::runtime_error(path + ": " + what);
}

} // namespace

std::string dataset_dir(const std::string &override_dir) {
    if (!override_dir.empty()) return override_dir;
    if (const char *env = std::getenv("W1_DATA"); env && *env) return env;
    return "/usr/share/datasets/fashion-mnist";
}

Dataset load_fashion_mnist(const std::string &dir, const std::string &split, int64_t limit) {
    if (split != "train" && split != "t10k")
        throw std::invalid_argument("split '" + split + "' is not one of train, t10k");
    const std::string image_path = dir + "/" + split + "-images-idx3-ubyte.gz";
    const std::string label_path = dir + "/" + split + "-labels-idx1-ubyte.gz";

    GzFile images = open_gz(image_path);
    expect(read_be32(images.get(), image_path) == kImagesMagic, image_path,
            "not an IDX image file (magic 0x803 expected)");
    const int64_t stored = read_be32(images.get(), image_path);
    const uint32_t rows = read_be32(images.get(), image_path);
    const uint32_t cols = read_be32(images.get(), image_path);
    expect(rows == 28 && cols == 28, image_path, "images are not 28 x 28");

    GzFile labels = open_gz(label_path);
    expect(read_be32(labels.get(), label_path) == kLabelsMagic, label_path,
            "not an IDX label file (magic 0x801 expected)");
    expect(read_be32(labels.get(), label_path) == stored, label_path,
            "label count differs from the image count");

    Dataset data;
    data.count = limit > 0 && limit < stored ? limit : stored;
    std::vector<uint8_t> raw(static_cast<size_t>(data.count * Dataset::kPixels));
    read_exact(images.get(), raw.data(), raw.size(), image_path);
    data.labels.resize(static_cast<size_t>(data.count));
    read_exact(labels.get(), data.labels.data(), data.labels.size(), label_path);
    for (uint8_t label : data.labels)
        expect(label < 10, label_path, "label " + std::to_string(label) + " not in 0..9");

    data.pixels.resize(raw.size());
    for (size_t i = 0; i < raw.size(); ++i) data.pixels[i] = raw[i] / 255.0f;
    return data;
}

} // namespace w1
