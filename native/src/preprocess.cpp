// The network input in one pass: bilinear resize + BGR->RGB + scale/mean/std + HWC->CHW.
#include "shim.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace bv {

// Sampling positions along one axis for a bilinear resize with aligned pixel centres and clamped edges
// (the convention of OpenCV's INTER_LINEAR): destination i samples source (i + 0.5) * scale - 0.5.
struct AxisTaps {
    std::vector<int> first;
    std::vector<int> second;
    std::vector<float> weight;  // of `second`
    int source_length = 0;

    void build(int source, int destination) {
        if (source == source_length && static_cast<int>(first.size()) == destination) return;
        source_length = source;
        first.resize(destination);
        second.resize(destination);
        weight.resize(destination);
        const double scale = static_cast<double>(source) / destination;
        for (int i = 0; i < destination; ++i) {
            const double position = (i + 0.5) * scale - 0.5;
            const int lower = static_cast<int>(std::floor(position));
            const float fraction = static_cast<float>(position - lower);
            first[i] = std::clamp(lower, 0, source - 1);
            second[i] = std::clamp(lower + 1, 0, source - 1);
            weight[i] = fraction;
        }
    }
};

}  // namespace bv

struct bv_preprocessor {
    int width = 0;
    int height = 0;
    float scale[3] = {};   // per output channel (R, G, B): 1 / (255 * std)
    float offset[3] = {};  // -mean / std
    bv::AxisTaps columns;
    bv::AxisTaps rows;
};

using namespace bv;

extern "C" {

int32_t bv_preprocessor_create(int32_t input_width, int32_t input_height, const float* mean, const float* std,
                               bv_preprocessor** preprocessor) {
    return guarded(__func__, [&] {
        require_pointer(mean, "mean");
        require_pointer(std, "std");
        require_pointer(preprocessor, "preprocessor");
        *preprocessor = nullptr;
        if (input_width <= 0 || input_height <= 0) fail(BV_INVALID_ARGUMENT, "input size must be positive");
        auto created = std::make_unique<bv_preprocessor>();
        created->width = input_width;
        created->height = input_height;
        for (int c = 0; c < 3; ++c) {
            if (!(std[c] > 0) || !std::isfinite(std[c]) || !std::isfinite(mean[c])) {
                fail(BV_INVALID_ARGUMENT, "mean must be finite and std positive (channel " + std::to_string(c) + ")");
            }
            created->scale[c] = 1.0f / (255.0f * std[c]);
            created->offset[c] = -mean[c] / std[c];
        }
        *preprocessor = created.release();
        return BV_OK;
    });
}

int32_t bv_preprocessor_run(bv_preprocessor* preprocessor, const uint8_t* bgr, int64_t buffer_size, int32_t width,
                            int32_t height, int32_t stride, float* tensor, int64_t tensor_length) {
    return guarded(__func__, [&] {
        auto& p = require_handle(preprocessor, "preprocessor");
        const cv::Mat frame = wrap_buffer("frame", bgr, buffer_size, width, height, stride, CV_8UC3);
        require_pointer(tensor, "tensor");
        const int64_t plane = static_cast<int64_t>(p.width) * p.height;
        if (tensor_length < 3 * plane) {
            fail(BV_INVALID_ARGUMENT, "tensor holds " + std::to_string(tensor_length) + " floats but " +
                                          std::to_string(p.width) + "x" + std::to_string(p.height) +
                                          "x3 needs " + std::to_string(3 * plane));
        }
        p.columns.build(width, p.width);
        p.rows.build(height, p.height);
        float* red = tensor;
        float* green = tensor + plane;
        float* blue = tensor + 2 * plane;
        for (int y = 0; y < p.height; ++y) {
            const uint8_t* top = frame.ptr<uint8_t>(p.rows.first[y]);
            const uint8_t* bottom = frame.ptr<uint8_t>(p.rows.second[y]);
            const float wy = p.rows.weight[y];
            const int64_t row_offset = static_cast<int64_t>(y) * p.width;
            for (int x = 0; x < p.width; ++x) {
                const int left = 3 * p.columns.first[x];
                const int right = 3 * p.columns.second[x];
                const float wx = p.columns.weight[x];
                float sample[3];
                for (int c = 0; c < 3; ++c) {
                    const float upper = top[left + c] + wx * (top[right + c] - top[left + c]);
                    const float lower = bottom[left + c] + wx * (bottom[right + c] - bottom[left + c]);
                    sample[c] = upper + wy * (lower - upper);
                }
                // sample[] is B, G, R; the tensor planes are R, G, B.
                red[row_offset + x] = sample[2] * p.scale[0] + p.offset[0];
                green[row_offset + x] = sample[1] * p.scale[1] + p.offset[1];
                blue[row_offset + x] = sample[0] * p.scale[2] + p.offset[2];
            }
        }
        return BV_OK;
    });
}

int32_t bv_preprocessor_destroy(bv_preprocessor* preprocessor) {
    return guarded(__func__, [&] {
        delete preprocessor;
        return BV_OK;
    });
}

}  // extern "C"
