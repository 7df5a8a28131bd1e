// Reads Fashion-MNIST from gzip-compressed IDX files (big-endian header, then uint8).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace w1 {

/// Images as float32 pixels / 255 in NCHW order (N x 1 x 28 x 28), with their labels.
struct Dataset {
    int64_t count = 0;
    std::vector<float> pixels;
    std::vector<uint8_t> labels;

    static constexpr int64_t kPixels = 28 * 28;
    const float *image(int64_t i) const { return pixels.data() + i * kPixels; }
};

/// The folder with the IDX files: `override` if non-empty, else $W1_DATA, else Debian's
/// /usr/share/datasets/fashion-mnist.
std::string dataset_dir(const std::string &override_dir);

/// Loads the first `limit` images (all if limit <= 0) of "train" or "t10k" from `dir`;
/// throws std::runtime_error naming the file on a missing file or bad header.
Dataset load_fashion_mnist(const std::string &dir, const std::string &split, int64_t limit);

} // namespace w1
