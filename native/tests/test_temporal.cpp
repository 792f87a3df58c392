// Motion compensation: DIS flow between two frames warps a blur map by the frames' translation.
#include "test_support.hpp"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>
#include <vector>

namespace {

constexpr int kSize = 128;
constexpr int kShiftX = 4;
constexpr int kShiftY = 2;

// A smooth random texture larger than the frame, so that frames can be cut from it at offsets.
cv::Mat make_texture(int seed) {
    cv::RNG rng(static_cast<uint64_t>(seed));
    cv::Mat noise(kSize + 32, kSize + 32, CV_8UC3);
    rng.fill(noise, cv::RNG::UNIFORM, 0, 256);
    cv::GaussianBlur(noise, noise, cv::Size(0, 0), 2.0);
    cv::normalize(noise, noise, 0, 255, cv::NORM_MINMAX);
    return noise;
}

// Frame cut at (left, top): frame(x, y) = texture(x + left, y + top).
std::vector<uint8_t> cut(const cv::Mat& texture, int left, int top) {
    const cv::Mat frame = texture(cv::Rect(left, top, kSize, kSize)).clone();
    return std::vector<uint8_t>(frame.datastart, frame.dataend);
}

// A blur map of the first frame: blurred square [40, 80) x [40, 80), sharp elsewhere.
float square(int x, int y) { return x >= 40 && x < 80 && y >= 40 && y < 80 ? 1.0f : 0.0f; }

struct AlignResult {
    std::vector<float> warped;
    bv_alignment alignment{};
};

AlignResult align(bv_temporal_aligner* aligner, const std::vector<uint8_t>& frame, const std::vector<float>& map,
                  int map_size) {
    AlignResult result;
    result.warped.assign(map.size(), -1.0f);
    const int64_t bytes = static_cast<int64_t>(map.size() * sizeof(float));
    CHECK_OK(bv_temporal_aligner_align(aligner, frame.data(), static_cast<int64_t>(frame.size()), kSize, kSize,
                                       kSize * 3, map.data(), bytes, result.warped.data(), bytes,
                                       map_size * static_cast<int32_t>(sizeof(float)), &result.alignment));
    return result;
}

// Mean |warped - map shifted by (dx, dy)| over the interior (away from the replicated border), map-scaled.
double error_against_shift(const std::vector<float>& warped, int map_size, double dx, double dy) {
    const double scale = static_cast<double>(map_size) / kSize;
    double total = 0;
    int count = 0;
    for (int y = 8; y < map_size - 8; ++y) {
        for (int x = 8; x < map_size - 8; ++x) {
            const int source_x = static_cast<int>(std::floor((x + 0.5) / scale - dx));
            const int source_y = static_cast<int>(std::floor((y + 0.5) / scale - dy));
            total += std::fabs(warped[static_cast<size_t>(y) * map_size + x] - square(source_x, source_y));
            ++count;
        }
    }
    return total / count;
}

std::vector<float> square_map(int map_size) {
    std::vector<float> map(static_cast<size_t>(map_size) * map_size);
    const double scale = static_cast<double>(map_size) / kSize;
    for (int y = 0; y < map_size; ++y) {
        for (int x = 0; x < map_size; ++x) {
            map[static_cast<size_t>(y) * map_size + x] =
                square(static_cast<int>((x + 0.5) / scale), static_cast<int>((y + 0.5) / scale));
        }
    }
    return map;
}

void check_translation_is_followed(int map_size, int flow_size) {
    const cv::Mat texture = make_texture(7);
    // The content moves right by kShiftX and down by kShiftY between the two frames.
    const std::vector<uint8_t> first = cut(texture, 16, 16);
    const std::vector<uint8_t> second = cut(texture, 16 - kShiftX, 16 - kShiftY);
    const std::vector<float> map = square_map(map_size);

    bv_temporal_aligner* aligner = nullptr;
    CHECK_OK(bv_temporal_aligner_create(map_size, map_size, flow_size, flow_size, BV_FLOW_MEDIUM, &aligner));
    if (aligner == nullptr) return;
    const AlignResult initial = align(aligner, first, map, map_size);
    CHECK(initial.alignment.aligned == 0);
    CHECK(initial.warped == map);

    const AlignResult moved = align(aligner, second, map, map_size);
    CHECK(moved.alignment.aligned == 1);
    const double scale = static_cast<double>(map_size) / kSize;
    CHECK_NEAR(moved.alignment.mean_motion, std::hypot(kShiftX, kShiftY) * scale, 1.0 * scale);
    CHECK(moved.alignment.scene_change > 0.0f);
    CHECK(moved.alignment.scene_change < 0.2f);
    const double followed = error_against_shift(moved.warped, map_size, kShiftX, kShiftY);
    const double unmoved = error_against_shift(moved.warped, map_size, 0, 0);
    CHECK(followed < 0.03);
    CHECK(unmoved > 3 * followed);

    CHECK_OK(bv_temporal_aligner_reset(aligner));
    CHECK(align(aligner, first, map, map_size).alignment.aligned == 0);
    CHECK_OK(bv_temporal_aligner_destroy(aligner));
}

}  // namespace

TEST(warp_follows_a_known_translation_at_map_size) { check_translation_is_followed(kSize, 0); }

TEST(warp_follows_a_known_translation_with_a_smaller_map_and_flow) { check_translation_is_followed(64, 48); }

TEST(an_unrelated_frame_reports_a_large_scene_change) {
    bv_temporal_aligner* aligner = nullptr;
    CHECK_OK(bv_temporal_aligner_create(32, 32, 0, 0, BV_FLOW_ULTRAFAST, &aligner));
    const std::vector<float> map = square_map(32);
    std::vector<uint8_t> dark(static_cast<size_t>(kSize) * kSize * 3, 10);
    std::vector<uint8_t> bright(dark.size(), 230);
    align(aligner, dark, map, 32);
    const AlignResult cut_to_bright = align(aligner, bright, map, 32);
    CHECK_NEAR(cut_to_bright.alignment.scene_change, 220.0 / 255.0, 0.01);
    CHECK_OK(bv_temporal_aligner_destroy(aligner));
}

TEST(aligner_rejects_bad_sizes_and_overlapping_maps) {
    bv_temporal_aligner* aligner = nullptr;
    CHECK_STATUS(BV_INVALID_ARGUMENT, bv_temporal_aligner_create(0, 32, 0, 0, BV_FLOW_FAST, &aligner));
    CHECK_STATUS(BV_INVALID_ARGUMENT, bv_temporal_aligner_create(32, 32, 8, 8, BV_FLOW_FAST, &aligner));
    CHECK_STATUS(BV_INVALID_ARGUMENT, bv_temporal_aligner_create(32, 32, 0, 0, 9, &aligner));
    CHECK_OK(bv_temporal_aligner_create(32, 32, 0, 0, BV_FLOW_FAST, &aligner));
    std::vector<uint8_t> frame(static_cast<size_t>(40) * 30 * 3, 100);
    std::vector<float> map(32 * 32, 0.5f);
    bv_alignment alignment{};
    const int64_t bytes = static_cast<int64_t>(map.size() * sizeof(float));
    CHECK_STATUS(BV_INVALID_ARGUMENT,
                 bv_temporal_aligner_align(aligner, frame.data(), static_cast<int64_t>(frame.size()), 40, 30, 120,
                                           map.data(), bytes, map.data(), bytes, 128, &alignment));
    CHECK(std::string(bv_last_error_message()).find("overlap") != std::string::npos);
    CHECK_OK(bv_temporal_aligner_destroy(aligner));
}

TEST(map_resize_is_bilinear) {
    const std::vector<float> source = {0.0f, 1.0f};
    std::vector<float> destination(4, -1.0f);
    CHECK_OK(bv_map_resize(source.data(), 8, 2, 1, 8, destination.data(), 16, 4, 1, 16));
    CHECK_NEAR(destination[0], 0.0, 1e-6);
    CHECK_NEAR(destination[1], 0.25, 1e-6);
    CHECK_NEAR(destination[2], 0.75, 1e-6);
    CHECK_NEAR(destination[3], 1.0, 1e-6);
}
