// Status codes and the thread-local last error on bad input; no exception crosses the C ABI.
#include "test_support.hpp"

#include <cstring>
#include <fstream>
#include <string>
#include <thread>

namespace {
bool message_contains(const char* text) { return std::strstr(bv_last_error_message(), text) != nullptr; }
}  // namespace

TEST(abi_version_matches_header) {
    int32_t version = 0;
    CHECK_OK(bv_get_abi_version(&version));
    CHECK(version == BV_ABI_VERSION);
    CHECK(std::string(bv_last_error_message()).empty());
}

TEST(null_arguments_are_invalid_and_named_in_the_message) {
    CHECK_STATUS(BV_INVALID_ARGUMENT, bv_get_abi_version(nullptr));
    CHECK(message_contains("bv_get_abi_version"));
    CHECK(message_contains("version is NULL"));

    std::vector<uint8_t> frame(4 * 4 * 3);
    std::vector<float> tensor(3 * 8 * 8);
    CHECK_STATUS(BV_INVALID_ARGUMENT, bv_preprocessor_run(nullptr, frame.data(), static_cast<int64_t>(frame.size()), 4,
                                                          4, 12, tensor.data(), 192));
    CHECK(message_contains("preprocessor handle is NULL"));
}

TEST(destroying_null_handles_is_a_no_op) {
    CHECK_OK(bv_video_source_destroy(nullptr));
    CHECK_OK(bv_preprocessor_destroy(nullptr));
    CHECK_OK(bv_temporal_aligner_destroy(nullptr));
    CHECK_OK(bv_overlay_renderer_destroy(nullptr));
    CHECK_OK(bv_region_finder_destroy(nullptr));
}

TEST(missing_file_is_not_found_with_the_path_in_the_message) {
    bv_video_source* source = reinterpret_cast<bv_video_source*>(0x1);
    CHECK_STATUS(BV_NOT_FOUND, bv_video_source_open("/nonexistent/clip.mp4", nullptr, &source));
    CHECK(source == nullptr);
    CHECK(message_contains("/nonexistent/clip.mp4"));
    CHECK(message_contains("no such file"));
}

TEST(unreadable_file_is_an_io_error) {
    bvtest::TempDir dir;
    const std::string path = dir.file("garbage.mp4");
    std::ofstream(path) << std::string(4096, 'x');
    bv_video_source* source = nullptr;
    CHECK_STATUS(BV_IO_ERROR, bv_video_source_open(path.c_str(), nullptr, &source));
    CHECK(source == nullptr);
    CHECK(message_contains("cannot decode"));
}

TEST(unsupported_sources_are_rejected) {
    bv_video_source* source = nullptr;
    CHECK_STATUS(BV_INVALID_ARGUMENT, bv_video_source_open("ftp://example.com/a.mp4", nullptr, &source));
    CHECK(message_contains("unsupported URL scheme"));
    CHECK_STATUS(BV_NOT_FOUND, bv_video_source_open("/dev/video97", nullptr, &source));
    CHECK(message_contains("cannot open camera"));
    bvtest::TempDir dir;
    const std::string folder = dir.file("");
    CHECK_STATUS(BV_INVALID_ARGUMENT, bv_video_source_open(folder.c_str(), nullptr, &source));
    CHECK(source == nullptr);
}

TEST(buffers_too_small_are_rejected_before_use) {
    bv_preprocessor* preprocessor = nullptr;
    const float mean[3] = {0.5f, 0.5f, 0.5f};
    const float std_dev[3] = {0.25f, 0.25f, 0.25f};
    CHECK_OK(bv_preprocessor_create(8, 8, mean, std_dev, &preprocessor));
    std::vector<uint8_t> frame(4 * 4 * 3);
    std::vector<float> tensor(3 * 8 * 8);
    CHECK_STATUS(BV_INVALID_ARGUMENT, bv_preprocessor_run(preprocessor, frame.data(), static_cast<int64_t>(frame.size()),
                                                          4, 4, 4 * 3 + 1, tensor.data(), 192));
    CHECK(message_contains("needs"));
    CHECK_STATUS(BV_INVALID_ARGUMENT, bv_preprocessor_run(preprocessor, frame.data(), static_cast<int64_t>(frame.size()),
                                                          4, 4, 11, tensor.data(), 192));
    CHECK(message_contains("stride"));
    CHECK_STATUS(BV_INVALID_ARGUMENT, bv_preprocessor_run(preprocessor, frame.data(), static_cast<int64_t>(frame.size()),
                                                          4, 4, 12, tensor.data(), 191));
    CHECK(message_contains("tensor holds 191 floats"));
    CHECK_OK(bv_preprocessor_run(preprocessor, frame.data(), static_cast<int64_t>(frame.size()), 4, 4, 12,
                                 tensor.data(), 192));
    CHECK(std::string(bv_last_error_message()).empty());
    CHECK_OK(bv_preprocessor_destroy(preprocessor));

    const float bad_std[3] = {0.25f, 0.0f, 0.25f};
    CHECK_STATUS(BV_INVALID_ARGUMENT, bv_preprocessor_create(8, 8, mean, bad_std, &preprocessor));
    CHECK(preprocessor == nullptr);
}

TEST(opencv_failures_come_back_as_a_status_not_an_exception) {
    // A map this large cannot be allocated: OpenCV throws inside the shim, the wrapper must catch it.
    bv_temporal_aligner* aligner = nullptr;
    const int32_t status = bv_temporal_aligner_create(1 << 30, 1 << 30, 0, 0, BV_FLOW_ULTRAFAST, &aligner);
    CHECK(status == BV_OPENCV_ERROR || status == BV_UNKNOWN);
    CHECK(aligner == nullptr);
    CHECK(!std::string(bv_last_error_message()).empty());
}

TEST(last_error_is_per_thread) {
    CHECK_STATUS(BV_INVALID_ARGUMENT, bv_get_abi_version(nullptr));
    const std::string mine = bv_last_error_message();
    std::string theirs_before;
    std::thread other([&] {
        theirs_before = bv_last_error_message();
        bv_preprocessor* preprocessor = nullptr;
        bv_preprocessor_create(0, 0, nullptr, nullptr, &preprocessor);
    });
    other.join();
    CHECK(theirs_before.empty());
    CHECK(mine == bv_last_error_message());
}
