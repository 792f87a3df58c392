// The network input: OpenCV's bilinear resize of the 8-bit frame, then BGR->RGB + scale/mean/std + HWC->CHW in
// one pass into the caller's tensor.
#include "shim.hpp"

#include <opencv2/imgproc.hpp>

#include <cmath>

struct bv_preprocessor {
    int width = 0;
    int height = 0;
    float scale[3] = {};   // per output channel (R, G, B): 1 / (255 * std)
    float offset[3] = {};  // -mean / std
    cv::Mat resized;       // the frame at the input size, 8-bit BGR; reused across calls
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
        created->resized.create(input_height, input_width, CV_8UC3);
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
        // The training code's evaluation resizes the same way (cv2.resize, INTER_LINEAR, on the 8-bit image).
        cv::resize(frame, p.resized, p.resized.size(), 0, 0, cv::INTER_LINEAR);
        float* red = tensor;
        float* green = tensor + plane;
        float* blue = tensor + 2 * plane;
        for (int y = 0; y < p.height; ++y) {
            const uint8_t* pixel = p.resized.ptr<uint8_t>(y);
            const int64_t row_offset = static_cast<int64_t>(y) * p.width;
            for (int x = 0; x < p.width; ++x, pixel += 3) {
                // pixel[] is B, G, R; the tensor planes are R, G, B.
                red[row_offset + x] = static_cast<float>(pixel[2]) * p.scale[0] + p.offset[0];
                green[row_offset + x] = static_cast<float>(pixel[1]) * p.scale[1] + p.offset[1];
                blue[row_offset + x] = static_cast<float>(pixel[0]) * p.scale[2] + p.offset[2];
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
