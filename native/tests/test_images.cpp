// Image decode/copy/write through the C ABI.
#include "test_support.hpp"

#include <cmath>
#include <cstdlib>
#include <vector>

namespace {

std::vector<uint8_t> decode(const std::string& path, int32_t mode, int& width, int& height, int& channels) {
    bv_image* image = nullptr;
    CHECK_OK(bv_image_decode(path.c_str(), mode, &image));
    if (image == nullptr) return {};
    CHECK_OK(bv_image_get_size(image, &width, &height, &channels));
    std::vector<uint8_t> pixels(static_cast<size_t>(width) * height * channels);
    CHECK_OK(bv_image_copy_to(image, pixels.data(), static_cast<int64_t>(pixels.size()), width, height,
                              width * channels));
    CHECK_OK(bv_image_destroy(image));
    return pixels;
}

}  // namespace

TEST(png_round_trip_is_exact_for_bgr_and_gray) {
    bvtest::TempDir dir;
    constexpr int kWidth = 7;
    constexpr int kHeight = 5;
    std::vector<uint8_t> bgr(kWidth * kHeight * 3);
    for (size_t i = 0; i < bgr.size(); ++i) bgr[i] = static_cast<uint8_t>(i * 37 % 251);
    const std::string color_path = dir.file("color.png");
    CHECK_OK(bv_image_write_bgr8(color_path.c_str(), bgr.data(), static_cast<int64_t>(bgr.size()), kWidth, kHeight,
                                 kWidth * 3));
    int width = 0, height = 0, channels = 0;
    CHECK(decode(color_path, BV_IMAGE_BGR8, width, height, channels) == bgr);
    CHECK(width == kWidth && height == kHeight && channels == 3);

    std::vector<uint8_t> gray(kWidth * kHeight);
    for (size_t i = 0; i < gray.size(); ++i) gray[i] = static_cast<uint8_t>(i * 7);
    const std::string gray_path = dir.file("mask.png");
    CHECK_OK(bv_image_write_gray8(gray_path.c_str(), gray.data(), static_cast<int64_t>(gray.size()), kWidth, kHeight,
                                  kWidth));
    CHECK(decode(gray_path, BV_IMAGE_GRAY8, width, height, channels) == gray);
    CHECK(channels == 1);

    // A grey file read as colour repeats the grey value in B, G and R.
    const std::vector<uint8_t> expanded = decode(gray_path, BV_IMAGE_BGR8, width, height, channels);
    CHECK(channels == 3);
    CHECK(expanded.size() == gray.size() * 3 && expanded[3 * 5 + 2] == gray[5]);
}

TEST(float_map_is_written_as_rounded_clamped_gray) {
    bvtest::TempDir dir;
    const std::vector<float> map = {0.0f, 0.5f, 1.0f, -0.2f, 1.7f, 0.1f};
    const std::string path = dir.file("map.png");
    CHECK_OK(bv_image_write_map(path.c_str(), map.data(), static_cast<int64_t>(map.size() * sizeof(float)), 3, 2,
                                3 * sizeof(float)));
    int width = 0, height = 0, channels = 0;
    const std::vector<uint8_t> gray = decode(path, BV_IMAGE_GRAY8, width, height, channels);
    const std::vector<uint8_t> expected = {0, 128, 255, 0, 255, 26};
    CHECK(gray == expected);
}

TEST(jpeg_round_trip_is_close) {
    bvtest::TempDir dir;
    constexpr int kWidth = 32;
    constexpr int kHeight = 24;
    std::vector<uint8_t> bgr(kWidth * kHeight * 3);
    for (int y = 0; y < kHeight; ++y) {
        for (int x = 0; x < kWidth; ++x) {
            uint8_t* pixel = &bgr[(y * kWidth + x) * 3];
            pixel[0] = static_cast<uint8_t>(x * 8);
            pixel[1] = static_cast<uint8_t>(y * 10);
            pixel[2] = 128;
        }
    }
    const std::string path = dir.file("photo.JPG");
    CHECK_OK(bv_image_write_bgr8(path.c_str(), bgr.data(), static_cast<int64_t>(bgr.size()), kWidth, kHeight,
                                 kWidth * 3));
    int width = 0, height = 0, channels = 0;
    const std::vector<uint8_t> decoded = decode(path, BV_IMAGE_BGR8, width, height, channels);
    CHECK(decoded.size() == bgr.size());
    double total = 0;
    for (size_t i = 0; i < decoded.size() && i < bgr.size(); ++i) total += std::abs(decoded[i] - bgr[i]);
    CHECK(total / static_cast<double>(bgr.size()) < 3.0);
}

TEST(image_writes_fail_clearly) {
    bvtest::TempDir dir;
    std::vector<uint8_t> gray(16, 0);
    const std::string unsupported = dir.file("map.tiffy");
    CHECK_STATUS(BV_INVALID_ARGUMENT, bv_image_write_gray8(unsupported.c_str(), gray.data(), 16, 4, 4, 4));
    CHECK_STATUS(BV_NOT_FOUND, bv_image_write_gray8("/nonexistent/dir/map.png", gray.data(), 16, 4, 4, 4));
    CHECK_STATUS(BV_INVALID_ARGUMENT, bv_image_write_gray8(dir.file("m.png").c_str(), gray.data(), 15, 4, 4, 4));

    bv_image* image = nullptr;
    const std::string path = dir.file("ok.png");
    CHECK_OK(bv_image_write_gray8(path.c_str(), gray.data(), 16, 4, 4, 4));
    CHECK_OK(bv_image_decode(path.c_str(), BV_IMAGE_GRAY8, &image));
    std::vector<uint8_t> wrong(9);
    CHECK_STATUS(BV_INVALID_ARGUMENT, bv_image_copy_to(image, wrong.data(), 9, 3, 3, 3));
    CHECK_OK(bv_image_destroy(image));
    CHECK_STATUS(BV_INVALID_ARGUMENT, bv_image_decode(path.c_str(), 7, &image));
}
