// Decoding image files into caller buffers and writing BGR8, GRAY8 and float-map images.
#include "shim.hpp"

#include <opencv2/imgcodecs.hpp>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <vector>

struct bv_image {
    cv::Mat pixels;
};

namespace bv {
namespace {

std::vector<int> encoder_parameters(const std::string& path) {
    std::string extension = std::filesystem::path(path).extension().string();
    std::transform(extension.begin(), extension.end(), extension.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (extension == ".png") return {cv::IMWRITE_PNG_COMPRESSION, 3};
    if (extension == ".jpg" || extension == ".jpeg") return {cv::IMWRITE_JPEG_QUALITY, 95};
    if (extension == ".bmp") return {};
    fail(BV_INVALID_ARGUMENT, "cannot write '" + path + "': use a .png, .jpg, .jpeg or .bmp file name");
}

void write_image(const char* path, const cv::Mat& image) {
    require_string(path, "path");
    const std::vector<int> parameters = encoder_parameters(path);
    require_parent_directory(path);
    if (!cv::imwrite(path, image, parameters)) fail(BV_IO_ERROR, std::string("cannot write '") + path + "'");
}

}  // namespace
}  // namespace bv

using namespace bv;

extern "C" {

int32_t bv_image_decode(const char* path, int32_t mode, bv_image** image) {
    return guarded(__func__, [&] {
        require_string(path, "path");
        require_pointer(image, "image");
        *image = nullptr;
        if (mode != BV_IMAGE_BGR8 && mode != BV_IMAGE_GRAY8) {
            fail(BV_INVALID_ARGUMENT, "mode " + std::to_string(mode) + " is not a bv_image_mode");
        }
        require_existing_file(path);
        auto decoded = std::make_unique<bv_image>();
        decoded->pixels = cv::imread(path, mode == BV_IMAGE_BGR8 ? cv::IMREAD_COLOR : cv::IMREAD_GRAYSCALE);
        if (decoded->pixels.empty()) {
            fail(BV_IO_ERROR, std::string("cannot decode '") + path + "' as an image");
        }
        *image = decoded.release();
        return BV_OK;
    });
}

int32_t bv_image_get_size(const bv_image* image, int32_t* width, int32_t* height, int32_t* channels) {
    return guarded(__func__, [&] {
        const auto& decoded = require_handle(image, "image");
        *require_pointer(width, "width") = decoded.pixels.cols;
        *require_pointer(height, "height") = decoded.pixels.rows;
        *require_pointer(channels, "channels") = decoded.pixels.channels();
        return BV_OK;
    });
}

int32_t bv_image_copy_to(const bv_image* image, uint8_t* pixels, int64_t buffer_size, int32_t width, int32_t height,
                         int32_t stride) {
    return guarded(__func__, [&] {
        const auto& decoded = require_handle(image, "image");
        cv::Mat destination = wrap_buffer_of_size("image", pixels, buffer_size, width, height, stride,
                                                  decoded.pixels.type(), decoded.pixels.size());
        decoded.pixels.copyTo(destination);
        return BV_OK;
    });
}

int32_t bv_image_destroy(bv_image* image) {
    return guarded(__func__, [&] {
        delete image;
        return BV_OK;
    });
}

int32_t bv_image_write_bgr8(const char* path, const uint8_t* bgr, int64_t buffer_size, int32_t width, int32_t height,
                            int32_t stride) {
    return guarded(__func__, [&] {
        write_image(path, wrap_buffer("image", bgr, buffer_size, width, height, stride, CV_8UC3));
        return BV_OK;
    });
}

int32_t bv_image_write_gray8(const char* path, const uint8_t* gray, int64_t buffer_size, int32_t width,
                             int32_t height, int32_t stride) {
    return guarded(__func__, [&] {
        write_image(path, wrap_buffer("image", gray, buffer_size, width, height, stride, CV_8UC1));
        return BV_OK;
    });
}

int32_t bv_image_write_map(const char* path, const float* map, int64_t buffer_size, int32_t width, int32_t height,
                           int32_t stride) {
    return guarded(__func__, [&] {
        const cv::Mat values = wrap_buffer("map", map, buffer_size, width, height, stride, CV_32FC1);
        cv::Mat gray;
        values.convertTo(gray, CV_8U, 255.0);  // rounds and saturates, so values outside [0, 1] clamp
        write_image(path, gray);
        return BV_OK;
    });
}

}  // extern "C"
