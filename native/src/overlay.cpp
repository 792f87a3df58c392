// Overlays drawn into a caller's BGR8 frame: a blur heatmap and focus peaking.
#include "shim.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

struct bv_overlay_renderer {
    cv::Mat turbo;       // 256 x 1 BGR8 lookup table of the TURBO colour map
    // Scratch images reused across frames of the same size.
    cv::Mat frame_map;   // the blur map at frame size, float
    cv::Mat gray;
    cv::Mat gradient_x;  // Sobel responses, 16-bit signed
    cv::Mat gradient_y;
};

namespace bv {
namespace {

const cv::Mat& map_at_frame_size(bv_overlay_renderer& renderer, const float* map, int64_t map_size,
                                 int32_t map_width, int32_t map_height, int32_t map_stride, cv::Size frame_size) {
    const cv::Mat source = wrap_buffer("map", map, map_size, map_width, map_height, map_stride, CV_32FC1);
    renderer.frame_map.create(frame_size, CV_32FC1);
    cv::resize(source, renderer.frame_map, frame_size, 0, 0, cv::INTER_LINEAR);
    return renderer.frame_map;
}

}  // namespace
}  // namespace bv

using namespace bv;

extern "C" {

int32_t bv_overlay_renderer_create(bv_overlay_renderer** renderer) {
    return guarded(__func__, [&] {
        require_pointer(renderer, "renderer");
        *renderer = nullptr;
        auto created = std::make_unique<bv_overlay_renderer>();
        cv::Mat ramp(256, 1, CV_8UC1);
        for (int i = 0; i < 256; ++i) ramp.at<uint8_t>(i) = static_cast<uint8_t>(i);
        cv::applyColorMap(ramp, created->turbo, cv::COLORMAP_TURBO);
        *renderer = created.release();
        return BV_OK;
    });
}

int32_t bv_overlay_render_heatmap(bv_overlay_renderer* renderer, uint8_t* bgr, int64_t buffer_size, int32_t width,
                                  int32_t height, int32_t stride, const float* map, int64_t map_size,
                                  int32_t map_width, int32_t map_height, int32_t map_stride, float opacity) {
    return guarded(__func__, [&] {
        auto& r = require_handle(renderer, "renderer");
        cv::Mat frame = wrap_buffer("frame", bgr, buffer_size, width, height, stride, CV_8UC3);
        if (!(opacity >= 0.0f && opacity <= 1.0f)) fail(BV_INVALID_ARGUMENT, "opacity must be in [0, 1]");
        const cv::Mat& blur = map_at_frame_size(r, map, map_size, map_width, map_height, map_stride, frame.size());
        const float keep = 1.0f - opacity;
        for (int y = 0; y < frame.rows; ++y) {
            cv::Vec3b* pixel = frame.ptr<cv::Vec3b>(y);
            const float* value = blur.ptr<float>(y);
            for (int x = 0; x < frame.cols; ++x) {
                const float clamped = std::isnan(value[x]) ? 0.0f : std::clamp(value[x], 0.0f, 1.0f);
                const cv::Vec3b& colour = r.turbo.at<cv::Vec3b>(static_cast<int>(std::lround(clamped * 255.0f)));
                for (int c = 0; c < 3; ++c) {
                    pixel[x][c] = cv::saturate_cast<uint8_t>(keep * pixel[x][c] + opacity * colour[c]);
                }
            }
        }
        return BV_OK;
    });
}

int32_t bv_overlay_render_peaking(bv_overlay_renderer* renderer, uint8_t* bgr, int64_t buffer_size, int32_t width,
                                  int32_t height, int32_t stride, const float* map, int64_t map_size,
                                  int32_t map_width, int32_t map_height, int32_t map_stride, float blur_threshold,
                                  float edge_threshold, uint32_t color) {
    return guarded(__func__, [&] {
        auto& r = require_handle(renderer, "renderer");
        cv::Mat frame = wrap_buffer("frame", bgr, buffer_size, width, height, stride, CV_8UC3);
        if (!(edge_threshold >= 0.0f)) fail(BV_INVALID_ARGUMENT, "edge threshold must be non-negative");
        if (!std::isfinite(blur_threshold)) fail(BV_INVALID_ARGUMENT, "blur threshold must be finite");
        const cv::Mat& blur = map_at_frame_size(r, map, map_size, map_width, map_height, map_stride, frame.size());
        cv::cvtColor(frame, r.gray, cv::COLOR_BGR2GRAY);
        cv::Sobel(r.gray, r.gradient_x, CV_16S, 1, 0, 3);
        cv::Sobel(r.gray, r.gradient_y, CV_16S, 0, 1, 3);
        // A step of s grey levels gives a 3x3 Sobel response of 4 s; compare squared magnitudes.
        const float response = 4.0f * edge_threshold;
        const float threshold_squared = response * response;
        const cv::Vec3b paint(static_cast<uint8_t>(color & 0xFF), static_cast<uint8_t>((color >> 8) & 0xFF),
                              static_cast<uint8_t>((color >> 16) & 0xFF));
        for (int y = 0; y < frame.rows; ++y) {
            cv::Vec3b* pixel = frame.ptr<cv::Vec3b>(y);
            const float* value = blur.ptr<float>(y);
            const int16_t* gx = r.gradient_x.ptr<int16_t>(y);
            const int16_t* gy = r.gradient_y.ptr<int16_t>(y);
            for (int x = 0; x < frame.cols; ++x) {
                const float magnitude_squared = static_cast<float>(gx[x]) * gx[x] + static_cast<float>(gy[x]) * gy[x];
                if (value[x] < blur_threshold && magnitude_squared >= threshold_squared) pixel[x] = paint;
            }
        }
        return BV_OK;
    });
}

int32_t bv_overlay_renderer_destroy(bv_overlay_renderer* renderer) {
    return guarded(__func__, [&] {
        delete renderer;
        return BV_OK;
    });
}

}  // extern "C"
