// The one-call network preprocess on hand-computed and OpenCV-computed references.
#include "test_support.hpp"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>
#include <vector>

namespace {

const float kMean[3] = {0.485f, 0.456f, 0.406f};
const float kStd[3] = {0.229f, 0.224f, 0.225f};

std::vector<float> preprocess(const std::vector<uint8_t>& bgr, int width, int height, int stride, int input_width,
                              int input_height) {
    bv_preprocessor* preprocessor = nullptr;
    CHECK_OK(bv_preprocessor_create(input_width, input_height, kMean, kStd, &preprocessor));
    std::vector<float> tensor(static_cast<size_t>(3) * input_width * input_height, -99.0f);
    CHECK_OK(bv_preprocessor_run(preprocessor, bgr.data(), static_cast<int64_t>(bgr.size()), width, height, stride,
                                 tensor.data(), static_cast<int64_t>(tensor.size())));
    CHECK_OK(bv_preprocessor_destroy(preprocessor));
    return tensor;
}

float normalized(float value, int rgb_channel) { return (value / 255.0f - kMean[rgb_channel]) / kStd[rgb_channel]; }

}  // namespace

TEST(same_size_preprocess_is_rgb_planar_normalized) {
    // 2x1 image: pixel 0 is (B, G, R) = (10, 20, 30), pixel 1 = (200, 100, 0).
    const std::vector<uint8_t> bgr = {10, 20, 30, 200, 100, 0};
    const std::vector<float> tensor = preprocess(bgr, 2, 1, 6, 2, 1);
    CHECK_NEAR(tensor[0], normalized(30, 0), 1e-6);   // R plane
    CHECK_NEAR(tensor[1], normalized(0, 0), 1e-6);
    CHECK_NEAR(tensor[2], normalized(20, 1), 1e-6);   // G plane
    CHECK_NEAR(tensor[3], normalized(100, 1), 1e-6);
    CHECK_NEAR(tensor[4], normalized(10, 2), 1e-6);   // B plane
    CHECK_NEAR(tensor[5], normalized(200, 2), 1e-6);
}

TEST(downscale_by_two_averages_pixel_pairs_and_upscale_clamps_edges) {
    // A 4x1 grey ramp 0, 40, 80, 160 (all channels equal), stride padded to 16 bytes.
    std::vector<uint8_t> bgr(16, 255);
    const uint8_t ramp[4] = {0, 40, 80, 160};
    for (int x = 0; x < 4; ++x) bgr[3 * x] = bgr[3 * x + 1] = bgr[3 * x + 2] = ramp[x];
    const std::vector<float> half = preprocess(bgr, 4, 1, 16, 2, 1);
    CHECK_NEAR(half[0], normalized(20, 0), 1e-6);   // (0 + 40) / 2
    CHECK_NEAR(half[1], normalized(120, 0), 1e-6);  // (80 + 160) / 2

    // Upscaling 4 -> 8: destination 0 lies left of source pixel 0's centre (clamped), destination 1 samples
    // position 0.25, destination 7 lies right of the last centre (clamped).
    const std::vector<float> twice = preprocess(bgr, 4, 1, 16, 8, 1);
    CHECK_NEAR(twice[0], normalized(0, 0), 1e-6);
    CHECK_NEAR(twice[1], normalized(10, 0), 1e-6);
    CHECK_NEAR(twice[2], normalized(30, 0), 1e-6);
    CHECK_NEAR(twice[7], normalized(160, 0), 1e-6);
}

TEST(preprocess_matches_opencv_8bit_resize_on_a_random_image) {
    constexpr int kWidth = 97;
    constexpr int kHeight = 61;
    constexpr int kInputWidth = 64;
    constexpr int kInputHeight = 32;
    cv::Mat image(kHeight, kWidth, CV_8UC3);
    cv::randu(image, 0, 256);
    std::vector<uint8_t> bgr(image.datastart, image.dataend);
    const std::vector<float> tensor = preprocess(bgr, kWidth, kHeight, kWidth * 3, kInputWidth, kInputHeight);

    cv::Mat resized;
    cv::resize(image, resized, cv::Size(kInputWidth, kInputHeight), 0, 0, cv::INTER_LINEAR);
    double worst = 0;
    for (int y = 0; y < kInputHeight; ++y) {
        for (int x = 0; x < kInputWidth; ++x) {
            const cv::Vec3b pixel = resized.at<cv::Vec3b>(y, x);
            for (int c = 0; c < 3; ++c) {
                const float expected = normalized(pixel[2 - c], c);
                const float actual = tensor[static_cast<size_t>(c) * kInputWidth * kInputHeight +
                                            static_cast<size_t>(y) * kInputWidth + x];
                worst = std::max(worst, static_cast<double>(std::fabs(actual - expected)));
            }
        }
    }
    CHECK(worst < 1e-5);
}
