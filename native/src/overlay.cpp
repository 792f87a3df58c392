// Overlays drawn into a caller's BGR8 frame: a blur heatmap and focus peaking.
#include "shim.hpp"

#include <opencv2/imgproc.hpp>

#include <cmath>
#include <cstdint>

struct bv_overlay_renderer {
    cv::Mat turbo;        // 256 x 1 BGR8 lookup table of the TURBO colour map
    // Scratch images, reallocated only when the map or frame size changes.
    cv::Mat map_levels;   // map size, 8-bit: round(clamp(map, 0, 1) * 255) or the in-focus mask
    cv::Mat frame_levels; // the same, resized bilinearly to the frame size
    cv::Mat gray;         // the frame in grey
};

namespace bv {
namespace {

// Resizes an 8-bit map-size image to the frame size into the renderer's scratch buffer.
const cv::Mat& levels_at_frame_size(bv_overlay_renderer& renderer, cv::Size frame_size) {
    renderer.frame_levels.create(frame_size, CV_8UC1);
    cv::resize(renderer.map_levels, renderer.frame_levels, frame_size, 0, 0, cv::INTER_LINEAR);
    return renderer.frame_levels;
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
        const cv::Mat blur = wrap_buffer("map", map, map_size, map_width, map_height, map_stride, CV_32FC1);
        if (!(opacity >= 0.0f && opacity <= 1.0f)) fail(BV_INVALID_ARGUMENT, "opacity must be in [0, 1]");
        blur.convertTo(r.map_levels, CV_8U, 255.0);  // rounds and saturates: values outside [0, 1] clamp
        const cv::Mat& levels = levels_at_frame_size(r, frame.size());
        // Blend in 8.8 fixed point: opacity 0 keeps the frame exactly, opacity 1 gives the colour exactly.
        const int weight = static_cast<int>(std::lround(opacity * 256.0f));
        const int keep = 256 - weight;
        const auto* colours = r.turbo.ptr<uint8_t>();
        for (int y = 0; y < frame.rows; ++y) {
            uint8_t* pixel = frame.ptr<uint8_t>(y);
            const uint8_t* level = levels.ptr<uint8_t>(y);
            for (int x = 0; x < frame.cols; ++x, pixel += 3) {
                const uint8_t* colour = colours + 3 * level[x];
                for (int c = 0; c < 3; ++c) {
                    pixel[c] = static_cast<uint8_t>((pixel[c] * keep + colour[c] * weight + 128) >> 8);
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
        const cv::Mat blur = wrap_buffer("map", map, map_size, map_width, map_height, map_stride, CV_32FC1);
        if (!(edge_threshold >= 0.0f) || !std::isfinite(edge_threshold)) {
            fail(BV_INVALID_ARGUMENT, "edge threshold must be finite and non-negative");
        }
        if (!std::isfinite(blur_threshold)) fail(BV_INVALID_ARGUMENT, "blur threshold must be finite");
        cv::compare(blur, blur_threshold, r.map_levels, cv::CMP_LT);  // 255 where in focus
        const cv::Mat& in_focus = levels_at_frame_size(r, frame.size());
        cv::cvtColor(frame, r.gray, cv::COLOR_BGR2GRAY);

        // 3x3 Sobel, computed only where the map is sharp; a step of s grey levels gives a response of 4 s.
        const double response = 4.0 * static_cast<double>(edge_threshold);
        const int64_t threshold_squared = static_cast<int64_t>(std::ceil(response * response));
        const uint8_t paint[3] = {static_cast<uint8_t>(color & 0xFF), static_cast<uint8_t>((color >> 8) & 0xFF),
                                  static_cast<uint8_t>((color >> 16) & 0xFF)};
        for (int y = 1; y + 1 < frame.rows; ++y) {
            const uint8_t* above = r.gray.ptr<uint8_t>(y - 1);
            const uint8_t* row = r.gray.ptr<uint8_t>(y);
            const uint8_t* below = r.gray.ptr<uint8_t>(y + 1);
            const uint8_t* sharp = in_focus.ptr<uint8_t>(y);
            uint8_t* pixel = frame.ptr<uint8_t>(y);
            for (int x = 1; x + 1 < frame.cols; ++x) {
                if (sharp[x] < 128) continue;
                const int gx = (above[x + 1] - above[x - 1]) + 2 * (row[x + 1] - row[x - 1]) + (below[x + 1] - below[x - 1]);
                const int gy = (below[x - 1] - above[x - 1]) + 2 * (below[x] - above[x]) + (below[x + 1] - above[x + 1]);
                if (static_cast<int64_t>(gx) * gx + static_cast<int64_t>(gy) * gy >= threshold_squared) {
                    uint8_t* target = pixel + 3 * x;
                    target[0] = paint[0];
                    target[1] = paint[1];
                    target[2] = paint[2];
                }
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
