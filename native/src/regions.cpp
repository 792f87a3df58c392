// The largest in-focus region of a blur map (connected components of map < threshold).
#include "shim.hpp"

#include <opencv2/imgproc.hpp>

#include <cmath>

struct bv_region_finder {
    // Reused across calls; they only grow when the map size or the number of regions grows.
    cv::Mat in_focus;
    cv::Mat labels;
    cv::Mat stats;
    cv::Mat centroids;
};

using namespace bv;

extern "C" {

int32_t bv_region_finder_create(bv_region_finder** finder) {
    return guarded(__func__, [&] {
        require_pointer(finder, "finder");
        *finder = new bv_region_finder();
        return BV_OK;
    });
}

int32_t bv_region_finder_find(bv_region_finder* finder, const float* map, int64_t map_size, int32_t width,
                              int32_t height, int32_t stride, float blur_threshold, bv_focus_region* region) {
    return guarded(__func__, [&] {
        auto& f = require_handle(finder, "finder");
        const cv::Mat blur = wrap_buffer("map", map, map_size, width, height, stride, CV_32FC1);
        require_pointer(region, "region");
        if (!std::isfinite(blur_threshold)) fail(BV_INVALID_ARGUMENT, "blur threshold must be finite");

        cv::compare(blur, blur_threshold, f.in_focus, cv::CMP_LT);
        const int in_focus_pixels = cv::countNonZero(f.in_focus);
        *region = bv_focus_region{};
        region->in_focus_fraction = static_cast<float>(in_focus_pixels) / static_cast<float>(blur.total());
        if (in_focus_pixels == 0) return BV_OK;

        const int labels = cv::connectedComponentsWithStats(f.in_focus, f.labels, f.stats, f.centroids, 8, CV_32S);
        int largest = 1;
        for (int label = 2; label < labels; ++label) {
            if (f.stats.at<int>(label, cv::CC_STAT_AREA) > f.stats.at<int>(largest, cv::CC_STAT_AREA)) largest = label;
        }
        region->found = 1;
        region->x = f.stats.at<int>(largest, cv::CC_STAT_LEFT);
        region->y = f.stats.at<int>(largest, cv::CC_STAT_TOP);
        region->width = f.stats.at<int>(largest, cv::CC_STAT_WIDTH);
        region->height = f.stats.at<int>(largest, cv::CC_STAT_HEIGHT);
        region->area = f.stats.at<int>(largest, cv::CC_STAT_AREA);
        region->centroid_x = static_cast<float>(f.centroids.at<double>(largest, 0));
        region->centroid_y = static_cast<float>(f.centroids.at<double>(largest, 1));
        region->region_count = labels - 1;
        return BV_OK;
    });
}

int32_t bv_region_finder_destroy(bv_region_finder* finder) {
    return guarded(__func__, [&] {
        delete finder;
        return BV_OK;
    });
}

}  // extern "C"
