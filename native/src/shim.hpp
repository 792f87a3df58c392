// Internal helpers shared by the shim's translation units: the error model, the one catch-all export
// wrapper, and checked views of caller buffers. Nothing here is part of the public ABI.
#pragma once

#include "blurvideo_native.h"

#include <opencv2/core.hpp>

#include <stdexcept>
#include <string>

namespace bv {

// Thrown inside the shim to leave an export with a specific status; converted by guarded().
class ShimError : public std::runtime_error {
public:
    ShimError(bv_status status, const std::string& message) : std::runtime_error(message), status_(status) {}
    bv_status status() const noexcept { return status_; }

private:
    bv_status status_;
};

[[noreturn]] void fail(bv_status status, const std::string& message);

void set_last_error(const char* function, const char* message) noexcept;
void clear_last_error() noexcept;

// Runs an export's body; every exception becomes a status plus a thread-local message. The body returns
// BV_OK, or a non-error status such as BV_END_OF_STREAM after calling set_last_error itself.
template <typename Body>
int32_t guarded(const char* function, Body&& body) noexcept {
    try {
        clear_last_error();
        return static_cast<int32_t>(body());
    } catch (const ShimError& e) {
        set_last_error(function, e.what());
        return e.status();
    } catch (const cv::Exception& e) {
        set_last_error(function, ("OpenCV error: " + e.msg + " in " + e.func).c_str());
        return BV_OPENCV_ERROR;
    } catch (const std::bad_alloc&) {
        set_last_error(function, "out of memory");
        return BV_UNKNOWN;
    } catch (const std::exception& e) {
        set_last_error(function, e.what());
        return BV_UNKNOWN;
    } catch (...) {
        set_last_error(function, "unknown exception");
        return BV_UNKNOWN;
    }
}

template <typename T>
T& require_handle(T* handle, const char* name) {
    if (handle == nullptr) fail(BV_INVALID_ARGUMENT, std::string(name) + " handle is NULL");
    return *handle;
}

template <typename T>
T* require_pointer(T* pointer, const char* name) {
    if (pointer == nullptr) fail(BV_INVALID_ARGUMENT, std::string(name) + " is NULL");
    return pointer;
}

const char* require_string(const char* text, const char* name);

// BV_NOT_FOUND if `path` does not exist, BV_INVALID_ARGUMENT if it is a directory.
void require_existing_file(const std::string& path);

// Validates a caller buffer of width x height pixels of `type` (CV_8UC3, CV_8UC1, CV_32FC1) with the
// given row stride in bytes and total size in bytes, and wraps it in a cv::Mat header (no copy).
cv::Mat wrap_buffer(const char* name, const void* data, int64_t size, int32_t width, int32_t height, int32_t stride,
                    int type);

// Same for a buffer whose size is dictated by an object (e.g. a video source's frame size).
cv::Mat wrap_buffer_of_size(const char* name, const void* data, int64_t size, int32_t width, int32_t height,
                            int32_t stride, int type, cv::Size required);

}  // namespace bv
