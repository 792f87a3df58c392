// Float-map resizing and motion compensation of blur maps with OpenCV's DIS optical flow.
#include "shim.hpp"

#include <opencv2/imgproc.hpp>
#include <opencv2/video/tracking.hpp>

#include <cmath>

struct bv_temporal_aligner {
    cv::Size map_size;
    cv::Size flow_size;
    cv::Ptr<cv::DISOpticalFlow> flow_estimator;
    // Scratch images, allocated once at creation and reused for every frame.
    cv::Mat staged_frame;   // twice the flow size, BGR8: a cheap bilinear first step of large downscales
    cv::Mat small_frame;    // flow size, BGR8
    cv::Mat previous_gray;  // flow size, GRAY8
    cv::Mat current_gray;
    cv::Mat difference;
    cv::Mat flow;           // flow size, 2 x float: (u, v) in flow pixels
    cv::Mat map_flow;       // map size, 2 x float: flow resized to the map (only when the sizes differ)
    cv::Mat sample_points;  // map size, 2 x float: where each warped pixel reads the previous map
    cv::Mat flow_points;    // flow size, 2 x float: where each pixel of the current frame reads the previous one
    cv::Mat warped_gray;    // flow size, GRAY8: the previous frame moved by the flow
    cv::Mat warp_difference;
    cv::Mat still_error;    // flow size, float: local mean of |current - previous|
    cv::Mat warp_error;     // flow size, float: local mean of |current - warped previous|
    bool has_previous = false;
    cv::Size previous_frame_size;
};

using namespace bv;

namespace {

// Window (flow pixels) and margin (grey levels) of the zero-motion test below. The margin is about two standard
// deviations of a 7x7 mean of |noise difference| at the synthetic source's sensor noise (2 grey levels).
constexpr int motion_test_window = 7;
constexpr float zero_motion_margin = 0.5f;

// points(p) = p + flow(p) * scale; returns the summed length of the scaled displacements.
double sample_points(const cv::Mat& flow, float scale_x, float scale_y, cv::Mat& points) {
    double motion = 0;
    for (int y = 0; y < flow.rows; ++y) {
        const cv::Vec2f* displacement = flow.ptr<cv::Vec2f>(y);
        cv::Vec2f* point = points.ptr<cv::Vec2f>(y);
        for (int x = 0; x < flow.cols; ++x) {
            const float u = displacement[x][0] * scale_x;
            const float v = displacement[x][1] * scale_y;
            point[x] = cv::Vec2f(static_cast<float>(x) + u, static_cast<float>(y) + v);
            motion += std::sqrt(u * u + v * v);
        }
    }
    return motion;
}

// DIS finds some motion everywhere: in flat, blurred or noisy regions of a still scene it wanders by fractions of
// a pixel, and warping by it shifts a history that should stay put. Where the previous frame, unmoved, matches the
// current one about as well as the previous frame moved by the flow (local mean absolute grey difference), the
// flow is set to zero. Needs a.difference = |current - previous|.
void keep_flow_where_it_explains_the_frame(bv_temporal_aligner& a) {
    sample_points(a.flow, 1.0f, 1.0f, a.flow_points);
    cv::remap(a.previous_gray, a.warped_gray, a.flow_points, cv::noArray(), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
    cv::absdiff(a.current_gray, a.warped_gray, a.warp_difference);
    const cv::Size window(motion_test_window, motion_test_window);
    cv::boxFilter(a.difference, a.still_error, CV_32F, window, cv::Point(-1, -1), true, cv::BORDER_REPLICATE);
    cv::boxFilter(a.warp_difference, a.warp_error, CV_32F, window, cv::Point(-1, -1), true, cv::BORDER_REPLICATE);
    for (int y = 0; y < a.flow.rows; ++y) {
        const float* still = a.still_error.ptr<float>(y);
        const float* moved = a.warp_error.ptr<float>(y);
        cv::Vec2f* displacement = a.flow.ptr<cv::Vec2f>(y);
        for (int x = 0; x < a.flow.cols; ++x) {
            if (still[x] <= moved[x] + zero_motion_margin) displacement[x] = cv::Vec2f(0.0f, 0.0f);
        }
    }
}

}  // namespace

extern "C" {

int32_t bv_map_resize(const float* source, int64_t source_size, int32_t source_width, int32_t source_height,
                      int32_t source_stride, float* destination, int64_t destination_size, int32_t destination_width,
                      int32_t destination_height, int32_t destination_stride) {
    return guarded(__func__, [&] {
        const cv::Mat from =
            wrap_buffer("source map", source, source_size, source_width, source_height, source_stride, CV_32FC1);
        cv::Mat to = wrap_buffer("destination map", destination, destination_size, destination_width,
                                 destination_height, destination_stride, CV_32FC1);
        cv::resize(from, to, to.size(), 0, 0, cv::INTER_LINEAR);
        return BV_OK;
    });
}

int32_t bv_temporal_aligner_create(int32_t map_width, int32_t map_height, int32_t flow_width, int32_t flow_height,
                                   int32_t preset, bv_temporal_aligner** aligner) {
    return guarded(__func__, [&] {
        require_pointer(aligner, "aligner");
        *aligner = nullptr;
        if (map_width <= 0 || map_height <= 0) fail(BV_INVALID_ARGUMENT, "map size must be positive");
        if (flow_width == 0 && flow_height == 0) {
            flow_width = map_width;
            flow_height = map_height;
        }
        // DIS works on an image pyramid of 8x8 patches; below this it has nothing to match.
        if (flow_width < 16 || flow_height < 16) fail(BV_INVALID_ARGUMENT, "flow size must be at least 16x16");
        if (preset < BV_FLOW_ULTRAFAST || preset > BV_FLOW_MEDIUM) {
            fail(BV_INVALID_ARGUMENT, "preset " + std::to_string(preset) + " is not a bv_flow_preset");
        }
        auto created = std::make_unique<bv_temporal_aligner>();
        created->map_size = cv::Size(map_width, map_height);
        created->flow_size = cv::Size(flow_width, flow_height);
        created->flow_estimator = cv::DISOpticalFlow::create(preset);
        created->staged_frame.create(created->flow_size * 2, CV_8UC3);
        created->small_frame.create(created->flow_size, CV_8UC3);
        created->previous_gray.create(created->flow_size, CV_8UC1);
        created->current_gray.create(created->flow_size, CV_8UC1);
        created->difference.create(created->flow_size, CV_8UC1);
        created->flow.create(created->flow_size, CV_32FC2);
        if (created->flow_size != created->map_size) created->map_flow.create(created->map_size, CV_32FC2);
        created->sample_points.create(created->map_size, CV_32FC2);
        created->flow_points.create(created->flow_size, CV_32FC2);
        created->warped_gray.create(created->flow_size, CV_8UC1);
        created->warp_difference.create(created->flow_size, CV_8UC1);
        created->still_error.create(created->flow_size, CV_32FC1);
        created->warp_error.create(created->flow_size, CV_32FC1);
        *aligner = created.release();
        return BV_OK;
    });
}

int32_t bv_temporal_aligner_align(bv_temporal_aligner* aligner, const uint8_t* bgr, int64_t buffer_size,
                                  int32_t width, int32_t height, int32_t stride, const float* previous_map,
                                  int64_t previous_size, float* warped_map, int64_t warped_size, int32_t map_stride,
                                  bv_alignment* alignment) {
    return guarded(__func__, [&] {
        auto& a = require_handle(aligner, "aligner");
        const cv::Mat frame = wrap_buffer("frame", bgr, buffer_size, width, height, stride, CV_8UC3);
        const cv::Mat previous = wrap_buffer_of_size("previous map", previous_map, previous_size, a.map_size.width,
                                                     a.map_size.height, map_stride, CV_32FC1, a.map_size);
        cv::Mat warped = wrap_buffer_of_size("warped map", warped_map, warped_size, a.map_size.width,
                                             a.map_size.height, map_stride, CV_32FC1, a.map_size);
        require_pointer(alignment, "alignment");
        const uintptr_t previous_begin = reinterpret_cast<uintptr_t>(previous.datastart);
        const uintptr_t warped_begin = reinterpret_cast<uintptr_t>(warped.datastart);
        if (previous_begin < reinterpret_cast<uintptr_t>(warped.dataend) &&
            warped_begin < reinterpret_cast<uintptr_t>(previous.dataend)) {
            fail(BV_INVALID_ARGUMENT, "previous map and warped map overlap");
        }

        // Area averaging avoids aliasing but is slow on large non-integer factors: bring big frames to twice the
        // flow size bilinearly first, then average 2x2 blocks.
        const cv::Size staged_size = a.staged_frame.size();
        if (frame.cols > staged_size.width && frame.rows > staged_size.height) {
            cv::resize(frame, a.staged_frame, staged_size, 0, 0, cv::INTER_LINEAR);
            cv::resize(a.staged_frame, a.small_frame, a.flow_size, 0, 0, cv::INTER_AREA);
        } else {
            cv::resize(frame, a.small_frame, a.flow_size, 0, 0, cv::INTER_AREA);
        }
        cv::cvtColor(a.small_frame, a.current_gray, cv::COLOR_BGR2GRAY);
        if (!a.has_previous || frame.size() != a.previous_frame_size) {
            previous.copyTo(warped);
            *alignment = bv_alignment{0, 0.0f, 0.0f};
        } else {
            cv::absdiff(a.current_gray, a.previous_gray, a.difference);
            const float scene_change = static_cast<float>(cv::mean(a.difference)[0] / 255.0);
            // Flow from the current frame back to the previous one: current(p) ~ previous(p + flow(p)).
            // DIS takes a flow argument of the right size as its initial estimate, so it must start from zero
            // (stale or uninitialised values would steer or even crash it).
            a.flow.setTo(cv::Scalar::all(0));
            a.flow_estimator->calc(a.current_gray, a.previous_gray, a.flow);
            keep_flow_where_it_explains_the_frame(a);
            const cv::Mat* flow = &a.flow;
            float scale_x = 1.0f;
            float scale_y = 1.0f;
            if (a.flow_size != a.map_size) {
                cv::resize(a.flow, a.map_flow, a.map_size, 0, 0, cv::INTER_LINEAR);
                flow = &a.map_flow;
                scale_x = static_cast<float>(a.map_size.width) / static_cast<float>(a.flow_size.width);
                scale_y = static_cast<float>(a.map_size.height) / static_cast<float>(a.flow_size.height);
            }
            const double motion = sample_points(*flow, scale_x, scale_y, a.sample_points);
            cv::remap(previous, warped, a.sample_points, cv::noArray(), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
            *alignment = bv_alignment{1, scene_change, static_cast<float>(motion / a.map_size.area())};
        }
        cv::swap(a.previous_gray, a.current_gray);
        a.previous_frame_size = frame.size();
        a.has_previous = true;
        return BV_OK;
    });
}

int32_t bv_temporal_aligner_reset(bv_temporal_aligner* aligner) {
    return guarded(__func__, [&] {
        require_handle(aligner, "aligner").has_previous = false;
        return BV_OK;
    });
}

int32_t bv_temporal_aligner_destroy(bv_temporal_aligner* aligner) {
    return guarded(__func__, [&] {
        delete aligner;
        return BV_OK;
    });
}

}  // extern "C"
