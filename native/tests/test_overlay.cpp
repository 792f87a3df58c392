// Heatmap and focus-peaking overlays, and the largest in-focus region.
#include "test_support.hpp"

#include <vector>

namespace {

constexpr int kWidth = 64;
constexpr int kHeight = 32;

// Vertical black/white stripes 8 pixels wide: strong edges everywhere.
std::vector<uint8_t> striped_frame() {
    std::vector<uint8_t> frame(static_cast<size_t>(kWidth) * kHeight * 3);
    for (int y = 0; y < kHeight; ++y) {
        for (int x = 0; x < kWidth; ++x) {
            const uint8_t value = (x / 8) % 2 == 0 ? 30 : 220;
            for (int c = 0; c < 3; ++c) frame[(static_cast<size_t>(y) * kWidth + x) * 3 + c] = value;
        }
    }
    return frame;
}

int32_t render_heatmap(bv_overlay_renderer* renderer, std::vector<uint8_t>& frame, const std::vector<float>& map,
                       int map_width, int map_height, float opacity) {
    return bv_overlay_render_heatmap(renderer, frame.data(), static_cast<int64_t>(frame.size()), kWidth, kHeight,
                                     kWidth * 3, map.data(), static_cast<int64_t>(map.size() * sizeof(float)),
                                     map_width, map_height, map_width * static_cast<int32_t>(sizeof(float)), opacity);
}

}  // namespace

TEST(heatmap_blends_blue_for_sharp_and_red_for_blurred) {
    bv_overlay_renderer* renderer = nullptr;
    CHECK_OK(bv_overlay_renderer_create(&renderer));
    const std::vector<float> halves = {0.0f, 1.0f};  // 2x1 map: left sharp, right blurred

    std::vector<uint8_t> frame = striped_frame();
    CHECK_OK(render_heatmap(renderer, frame, halves, 2, 1, 0.0f));
    CHECK(frame == striped_frame());

    CHECK_OK(render_heatmap(renderer, frame, halves, 2, 1, 1.0f));
    const uint8_t* left = &frame[(16 * kWidth + 2) * 3];
    const uint8_t* right = &frame[(16 * kWidth + kWidth - 3) * 3];
    CHECK(left[0] > left[2]);    // sharp: more blue than red
    CHECK(right[2] > right[0]);  // blurred: more red than blue

    std::vector<uint8_t> half_blend = striped_frame();
    CHECK_OK(render_heatmap(renderer, half_blend, halves, 2, 1, 0.5f));
    const int original = striped_frame()[(16 * kWidth + 2) * 3];
    CHECK_NEAR(half_blend[(16 * kWidth + 2) * 3], (original + left[0]) / 2.0, 1.0);

    CHECK_STATUS(BV_INVALID_ARGUMENT, render_heatmap(renderer, frame, halves, 2, 1, 1.5f));
    CHECK_OK(bv_overlay_renderer_destroy(renderer));
}

TEST(peaking_marks_edges_only_where_the_map_is_sharp) {
    bv_overlay_renderer* renderer = nullptr;
    CHECK_OK(bv_overlay_renderer_create(&renderer));
    const std::vector<float> halves = {0.0f, 0.0f, 1.0f, 1.0f};  // 4x1 map: left half sharp
    std::vector<uint8_t> frame = striped_frame();
    const uint32_t green = 0x00FF00;
    CHECK_OK(bv_overlay_render_peaking(renderer, frame.data(), static_cast<int64_t>(frame.size()), kWidth, kHeight,
                                       kWidth * 3, halves.data(), 16, 4, 1, 16, 0.5f, 40.0f, green));
    int painted_left = 0;
    int painted_right = 0;
    int painted_flat = 0;
    for (int y = 0; y < kHeight; ++y) {
        for (int x = 0; x < kWidth; ++x) {
            const uint8_t* pixel = &frame[(static_cast<size_t>(y) * kWidth + x) * 3];
            const bool painted = pixel[0] == 0 && pixel[1] == 255 && pixel[2] == 0;
            if (!painted) continue;
            (x < kWidth / 2 ? painted_left : painted_right)++;
            const int within_stripe = x % 8;
            if (within_stripe >= 2 && within_stripe <= 5) painted_flat++;
        }
    }
    CHECK(painted_left >= 3 * kHeight);  // three stripe edges in the sharp half, two pixels wide each
    CHECK(painted_right == 0);
    CHECK(painted_flat == 0);  // flat stripe interiors have no edge
    CHECK_OK(bv_overlay_renderer_destroy(renderer));
}

TEST(largest_in_focus_region_has_its_box_centroid_and_area) {
    bv_region_finder* finder = nullptr;
    CHECK_OK(bv_region_finder_create(&finder));
    constexpr int kMapWidth = 20;
    constexpr int kMapHeight = 10;
    std::vector<float> map(kMapWidth * kMapHeight, 0.9f);
    for (int y = 2; y < 6; ++y) {
        for (int x = 3; x < 9; ++x) map[y * kMapWidth + x] = 0.1f;  // 6x4 = 24 pixels
    }
    for (int y = 7; y < 9; ++y) {
        for (int x = 15; x < 17; ++x) map[y * kMapWidth + x] = 0.2f;  // 2x2 = 4 pixels
    }
    bv_focus_region region{};
    const int64_t bytes = static_cast<int64_t>(map.size() * sizeof(float));
    CHECK_OK(bv_region_finder_find(finder, map.data(), bytes, kMapWidth, kMapHeight, kMapWidth * 4, 0.5f, &region));
    CHECK(region.found == 1);
    CHECK(region.x == 3 && region.y == 2 && region.width == 6 && region.height == 4);
    CHECK(region.area == 24);
    CHECK_NEAR(region.centroid_x, 5.5, 1e-5);
    CHECK_NEAR(region.centroid_y, 3.5, 1e-5);
    CHECK(region.region_count == 2);
    CHECK_NEAR(region.in_focus_fraction, 28.0 / 200.0, 1e-6);

    std::vector<float> all_blurred(map.size(), 1.0f);
    CHECK_OK(bv_region_finder_find(finder, all_blurred.data(), bytes, kMapWidth, kMapHeight, kMapWidth * 4, 0.5f,
                                   &region));
    CHECK(region.found == 0 && region.area == 0 && region.region_count == 0);
    CHECK(region.in_focus_fraction == 0.0f);
    CHECK_OK(bv_region_finder_destroy(finder));
}
