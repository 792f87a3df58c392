#include "shim.hpp"

#include <opencv2/core/utils/logger.hpp>

#include <cstdlib>
#include <filesystem>
#include <limits>
#include <system_error>

namespace fs = std::filesystem;

namespace bv {
namespace {
thread_local std::string last_error;

// OpenCV's own warnings (e.g. "can't open camera by index") only repeat what the returned status and message
// say, so the shim keeps OpenCV quiet below errors unless the user asked for a level with OPENCV_LOG_LEVEL.
const bool quiet_opencv_logging = [] {
    try {
        if (std::getenv("OPENCV_LOG_LEVEL") == nullptr) {
            cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_ERROR);
        }
    } catch (...) {
        // Logging configuration is cosmetic; never fail loading the library over it.
    }
    return true;
}();
}  // namespace

void fail(bv_status status, const std::string& message) { throw ShimError(status, message); }

void set_last_error(const char* function, const char* message) noexcept {
    try {
        last_error.assign(function);
        last_error.append(": ");
        last_error.append(message);
    } catch (...) {
        // Out of memory while describing an error: keep whatever fits rather than throwing.
        last_error.clear();
    }
}

void clear_last_error() noexcept { last_error.clear(); }

const char* require_string(const char* text, const char* name) {
    if (text == nullptr) fail(BV_INVALID_ARGUMENT, std::string(name) + " is NULL");
    if (*text == '\0') fail(BV_INVALID_ARGUMENT, std::string(name) + " is empty");
    return text;
}

void require_existing_file(const std::string& path) {
    std::error_code error;
    const auto status = fs::status(path, error);
    if (!fs::exists(status)) fail(BV_NOT_FOUND, "cannot open '" + path + "': no such file");
    if (fs::is_directory(status)) fail(BV_INVALID_ARGUMENT, "cannot open '" + path + "': it is a directory");
}

cv::Mat wrap_buffer(const char* name, const void* data, int64_t size, int32_t width, int32_t height, int32_t stride,
                    int type) {
    if (data == nullptr) fail(BV_INVALID_ARGUMENT, std::string(name) + " buffer is NULL");
    if (width <= 0 || height <= 0) {
        fail(BV_INVALID_ARGUMENT, std::string(name) + " size " + std::to_string(width) + "x" +
                                      std::to_string(height) + " is not positive");
    }
    const int64_t row_bytes = static_cast<int64_t>(width) * static_cast<int64_t>(CV_ELEM_SIZE(type));
    if (row_bytes > std::numeric_limits<int32_t>::max() || stride < row_bytes) {
        fail(BV_INVALID_ARGUMENT, std::string(name) + " stride " + std::to_string(stride) +
                                      " is smaller than a row of " + std::to_string(row_bytes) + " bytes");
    }
    const int64_t required = static_cast<int64_t>(height - 1) * stride + row_bytes;
    if (size < required) {
        fail(BV_INVALID_ARGUMENT, std::string(name) + " buffer holds " + std::to_string(size) + " bytes but " +
                                      std::to_string(width) + "x" + std::to_string(height) + " with stride " +
                                      std::to_string(stride) + " needs " + std::to_string(required));
    }
    return cv::Mat(height, width, type, const_cast<void*>(data), static_cast<size_t>(stride));
}

cv::Mat wrap_buffer_of_size(const char* name, const void* data, int64_t size, int32_t width, int32_t height,
                            int32_t stride, int type, cv::Size required) {
    if (width != required.width || height != required.height) {
        fail(BV_INVALID_ARGUMENT, std::string(name) + " is " + std::to_string(width) + "x" + std::to_string(height) +
                                      " but must be " + std::to_string(required.width) + "x" +
                                      std::to_string(required.height));
    }
    return wrap_buffer(name, data, size, width, height, stride, type);
}

}  // namespace bv

using namespace bv;

extern "C" {

const char* bv_last_error_message(void) { return last_error.c_str(); }

int32_t bv_get_abi_version(int32_t* version) {
    return guarded(__func__, [&] {
        *require_pointer(version, "version") = BV_ABI_VERSION;
        return BV_OK;
    });
}

}  // extern "C"
