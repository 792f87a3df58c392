// Video sources: files, cameras, network streams, image sequences.
#include "shim.hpp"

#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include <chrono>
#include <cmath>
#include <vector>

struct bv_video_source {
    cv::VideoCapture capture;
    bv_source_kind kind = BV_SOURCE_FILE;
    std::string uri;
    cv::Size size;
    double fps = 0;
    int64_t frame_count = -1;
    int64_t next_index = 0;
    double last_timestamp_ms = 0;
    std::chrono::steady_clock::time_point opened_at = std::chrono::steady_clock::now();
    // A frame decoded while opening because the backend did not announce the size; delivered first.
    cv::Mat pending;
};

namespace bv {
namespace {

bool is_digits(const std::string& text) {
    if (text.empty()) return false;
    for (char c : text) {
        if (c < '0' || c > '9') return false;
    }
    return true;
}

bool has_network_scheme(const std::string& uri) {
    static const char* const schemes[] = {"rtsp://", "rtsps://", "rtmp://", "http://", "https://", "udp://", "tcp://"};
    for (const char* scheme : schemes) {
        if (uri.rfind(scheme, 0) == 0) return true;
    }
    return false;
}

bv_source_kind classify(const std::string& uri) {
    if (is_digits(uri) || uri.rfind("/dev/video", 0) == 0) return BV_SOURCE_CAMERA;
    if (has_network_scheme(uri)) return BV_SOURCE_NETWORK;
    if (uri.find("://") != std::string::npos) fail(BV_INVALID_ARGUMENT, "unsupported URL scheme in '" + uri + "'");
    if (uri.find('%') != std::string::npos) return BV_SOURCE_SEQUENCE;
    return BV_SOURCE_FILE;
}

void open_capture(bv_video_source& source, const bv_source_options& options) {
    switch (source.kind) {
        case BV_SOURCE_CAMERA: {
            const bool by_index = is_digits(source.uri);
            const bool opened = by_index ? source.capture.open(std::stoi(source.uri), cv::CAP_V4L2)
                                         : source.capture.open(source.uri, cv::CAP_V4L2);
            if (!opened) fail(BV_NOT_FOUND, "cannot open camera '" + source.uri + "' (V4L2)");
            if (options.camera_width > 0) source.capture.set(cv::CAP_PROP_FRAME_WIDTH, options.camera_width);
            if (options.camera_height > 0) source.capture.set(cv::CAP_PROP_FRAME_HEIGHT, options.camera_height);
            if (options.camera_fps > 0) source.capture.set(cv::CAP_PROP_FPS, options.camera_fps);
            return;
        }
        case BV_SOURCE_NETWORK: {
            std::vector<int> parameters;
            if (options.open_timeout_ms > 0) {
                parameters.insert(parameters.end(), {cv::CAP_PROP_OPEN_TIMEOUT_MSEC, options.open_timeout_ms});
            }
            if (options.read_timeout_ms > 0) {
                parameters.insert(parameters.end(), {cv::CAP_PROP_READ_TIMEOUT_MSEC, options.read_timeout_ms});
            }
            if (!source.capture.open(source.uri, cv::CAP_FFMPEG, parameters)) {
                fail(BV_NOT_FOUND, "cannot open stream '" + source.uri + "' (FFmpeg)");
            }
            return;
        }
        case BV_SOURCE_SEQUENCE:
            if (!source.capture.open(source.uri, cv::CAP_IMAGES)) {
                fail(BV_NOT_FOUND, "cannot open image sequence '" + source.uri + "': no file matches the pattern");
            }
            return;
        case BV_SOURCE_FILE:
            require_existing_file(source.uri);
            if (!source.capture.open(source.uri, cv::CAP_FFMPEG)) {
                fail(BV_IO_ERROR, "cannot decode '" + source.uri + "' as a video (FFmpeg could not open it)");
            }
            return;
    }
}

// Copies a decoded frame of any 8-bit layout into the caller's BGR8 buffer.
void store_frame(const cv::Mat& frame, cv::Mat& destination, const std::string& uri) {
    if (frame.size() != destination.size()) {
        fail(BV_IO_ERROR, "'" + uri + "' delivered a " + std::to_string(frame.cols) + "x" +
                              std::to_string(frame.rows) + " frame but announced " +
                              std::to_string(destination.cols) + "x" + std::to_string(destination.rows));
    }
    if (frame.depth() != CV_8U) fail(BV_IO_ERROR, "'" + uri + "' delivered frames that are not 8-bit");
    switch (frame.channels()) {
        case 3: frame.copyTo(destination); break;
        case 1: cv::cvtColor(frame, destination, cv::COLOR_GRAY2BGR); break;
        case 4: cv::cvtColor(frame, destination, cv::COLOR_BGRA2BGR); break;
        default: fail(BV_IO_ERROR, "'" + uri + "' delivered frames with " + std::to_string(frame.channels()) +
                                       " channels");
    }
}

double frame_timestamp(bv_video_source& source) {
    const double reported = source.capture.get(cv::CAP_PROP_POS_MSEC);
    const bool plausible = std::isfinite(reported) && reported >= 0 &&
                           (source.next_index == 0 || reported > source.last_timestamp_ms);
    if (plausible && source.kind != BV_SOURCE_SEQUENCE) return reported;
    if (source.fps > 0) return static_cast<double>(source.next_index) * 1000.0 / source.fps;
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - source.opened_at).count();
}

}  // namespace
}  // namespace bv

using namespace bv;

extern "C" {

int32_t bv_video_source_open(const char* uri, const bv_source_options* options, bv_video_source** source) {
    return guarded(__func__, [&] {
        require_string(uri, "uri");
        require_pointer(source, "source");
        *source = nullptr;
        const bv_source_options settings = options != nullptr ? *options : bv_source_options{};

        auto opened = std::make_unique<bv_video_source>();
        opened->uri = uri;
        opened->kind = classify(opened->uri);
        open_capture(*opened, settings);

        opened->size = cv::Size(static_cast<int>(opened->capture.get(cv::CAP_PROP_FRAME_WIDTH)),
                                static_cast<int>(opened->capture.get(cv::CAP_PROP_FRAME_HEIGHT)));
        if (opened->size.width <= 0 || opened->size.height <= 0) {
            if (!opened->capture.read(opened->pending) || opened->pending.empty()) {
                fail(BV_IO_ERROR, "'" + opened->uri + "' opened but delivered no frame");
            }
            opened->size = opened->pending.size();
        }
        const double fps = opened->capture.get(cv::CAP_PROP_FPS);
        opened->fps = std::isfinite(fps) && fps > 0 ? fps : 0;
        const bool finite = opened->kind == BV_SOURCE_FILE || opened->kind == BV_SOURCE_SEQUENCE;
        const double count = opened->capture.get(cv::CAP_PROP_FRAME_COUNT);
        opened->frame_count = finite && std::isfinite(count) && count > 0 ? static_cast<int64_t>(count) : -1;
        opened->opened_at = std::chrono::steady_clock::now();
        *source = opened.release();
        return BV_OK;
    });
}

int32_t bv_video_source_get_info(const bv_video_source* source, bv_video_info* info) {
    return guarded(__func__, [&] {
        const auto& opened = require_handle(source, "source");
        require_pointer(info, "info");
        info->width = opened.size.width;
        info->height = opened.size.height;
        info->fps = opened.fps;
        info->frame_count = opened.frame_count;
        info->kind = opened.kind;
        info->is_live = opened.kind == BV_SOURCE_CAMERA || opened.kind == BV_SOURCE_NETWORK ? 1 : 0;
        return BV_OK;
    });
}

int32_t bv_video_source_read(bv_video_source* source, uint8_t* bgr, int64_t buffer_size, int32_t width,
                             int32_t height, int32_t stride, bv_frame_info* frame) {
    return guarded(__func__, [&]() -> bv_status {
        auto& opened = require_handle(source, "source");
        cv::Mat destination = wrap_buffer_of_size("frame", bgr, buffer_size, width, height, stride, CV_8UC3,
                                                  opened.size);
        if (!opened.pending.empty()) {
            store_frame(opened.pending, destination, opened.uri);
            opened.pending.release();
        } else {
            // Decoding straight into the caller's buffer: the backend copies into a Mat of matching size and
            // type without reallocating. If it reallocated, the frame had another layout and is converted.
            cv::Mat decoded = destination;
            if (!opened.capture.read(decoded) || decoded.empty()) {
                const bool live = opened.kind == BV_SOURCE_CAMERA || opened.kind == BV_SOURCE_NETWORK;
                if (live) {
                    fail(BV_IO_ERROR, "'" + opened.uri + "' stopped delivering frames after " +
                                          std::to_string(opened.next_index) + " (disconnected or read timeout)");
                }
                std::string message = "end of stream after " + std::to_string(opened.next_index) + " frames";
                if (opened.frame_count > 0) message += " (the container announced " +
                                                       std::to_string(opened.frame_count) + ")";
                set_last_error("bv_video_source_read", message.c_str());
                return BV_END_OF_STREAM;
            }
            if (decoded.data != destination.data) store_frame(decoded, destination, opened.uri);
        }
        const double timestamp = frame_timestamp(opened);
        if (frame != nullptr) {
            frame->index = opened.next_index;
            frame->timestamp_ms = timestamp;
        }
        opened.last_timestamp_ms = timestamp;
        opened.next_index++;
        return BV_OK;
    });
}

int32_t bv_video_source_get_position(const bv_video_source* source, int64_t* next_index,
                                     double* last_timestamp_ms) {
    return guarded(__func__, [&] {
        const auto& opened = require_handle(source, "source");
        *require_pointer(next_index, "next_index") = opened.next_index;
        *require_pointer(last_timestamp_ms, "last_timestamp_ms") = opened.last_timestamp_ms;
        return BV_OK;
    });
}

int32_t bv_video_source_destroy(bv_video_source* source) {
    return guarded(__func__, [&] {
        delete source;
        return BV_OK;
    });
}

}  // extern "C"
