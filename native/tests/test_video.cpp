// Reading videos, image sequences and streams through the C ABI (clips written with OpenCV directly), and
// truncated files.
#include "test_support.hpp"

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/videoio.hpp>
#include <vector>

namespace {

constexpr int kWidth = 160;
constexpr int kHeight = 120;

// A smooth pattern that changes with the frame number (easy on lossy codecs, different per frame).
void render_frame(std::vector<uint8_t>& pixels, int stride, int index) {
    for (int y = 0; y < kHeight; ++y) {
        for (int x = 0; x < kWidth; ++x) {
            uint8_t* pixel = &pixels[static_cast<size_t>(y) * stride + static_cast<size_t>(x) * 3];
            pixel[0] = static_cast<uint8_t>((x + index * 8) % 256);
            pixel[1] = static_cast<uint8_t>((y * 2) % 256);
            pixel[2] = static_cast<uint8_t>(index * 20 % 256);
        }
    }
}

double mean_abs_difference(const std::vector<uint8_t>& a, int stride_a, const std::vector<uint8_t>& b, int stride_b) {
    double total = 0;
    for (int y = 0; y < kHeight; ++y) {
        for (int x = 0; x < kWidth * 3; ++x) {
            total += std::abs(a[static_cast<size_t>(y) * stride_a + x] - b[static_cast<size_t>(y) * stride_b + x]);
        }
    }
    return total / (kWidth * kHeight * 3);
}

void write_video(const std::string& path, const char* fourcc, int frames) {
    const int stride = kWidth * 3;
    std::vector<uint8_t> pixels(static_cast<size_t>(stride) * kHeight);
    cv::VideoWriter writer(path, cv::CAP_FFMPEG, cv::VideoWriter::fourcc(fourcc[0], fourcc[1], fourcc[2], fourcc[3]),
                           25.0, cv::Size(kWidth, kHeight));
    CHECK(writer.isOpened());
    for (int i = 0; i < frames; ++i) {
        render_frame(pixels, stride, i);
        writer.write(cv::Mat(kHeight, kWidth, CV_8UC3, pixels.data(), static_cast<size_t>(stride)));
    }
    writer.release();
}

void check_round_trip(const char* file_name, const char* fourcc) {
    constexpr int kFrames = 12;
    bvtest::TempDir dir;
    const std::string path = dir.file(file_name);
    write_video(path, fourcc, kFrames);

    bv_video_source* source = nullptr;
    CHECK_OK(bv_video_source_open(path.c_str(), nullptr, &source));
    if (source == nullptr) return;
    bv_video_info info{};
    CHECK_OK(bv_video_source_get_info(source, &info));
    CHECK(info.width == kWidth);
    CHECK(info.height == kHeight);
    CHECK_NEAR(info.fps, 25.0, 0.01);
    CHECK(info.frame_count == kFrames);
    CHECK(info.kind == BV_SOURCE_FILE);
    CHECK(info.is_live == 0);

    const int stride = kWidth * 3;
    std::vector<uint8_t> frame(static_cast<size_t>(stride) * kHeight);
    std::vector<uint8_t> expected(frame.size());
    int read = 0;
    double previous_timestamp = -1;
    bv_frame_info frame_info{};
    int32_t status = BV_OK;
    while ((status = bv_video_source_read(source, frame.data(), static_cast<int64_t>(frame.size()), kWidth, kHeight,
                                          stride, &frame_info)) == BV_OK) {
        CHECK(frame_info.index == read);
        CHECK(frame_info.timestamp_ms > previous_timestamp);
        CHECK_NEAR(frame_info.timestamp_ms, read * 40.0, 1.0);
        previous_timestamp = frame_info.timestamp_ms;
        render_frame(expected, stride, read);
        CHECK(mean_abs_difference(frame, stride, expected, stride) < 4.0);
        ++read;
    }
    CHECK_STATUS(BV_END_OF_STREAM, status);
    CHECK(std::string(bv_last_error_message()).find("end of stream after 12 frames") != std::string::npos);
    CHECK(read == kFrames);
    CHECK_STATUS(BV_END_OF_STREAM, bv_video_source_read(source, frame.data(), static_cast<int64_t>(frame.size()),
                                                        kWidth, kHeight, stride, nullptr));
    int64_t next_index = 0;
    double last_timestamp = 0;
    CHECK_OK(bv_video_source_get_position(source, &next_index, &last_timestamp));
    CHECK(next_index == kFrames);
    CHECK_NEAR(last_timestamp, (kFrames - 1) * 40.0, 1.0);
    CHECK_OK(bv_video_source_destroy(source));
}

}  // namespace

TEST(mjpg_avi_round_trip_keeps_count_size_and_pixels) { check_round_trip("clip.avi", "MJPG"); }

TEST(mp4v_mp4_round_trip_keeps_count_size_and_pixels) { check_round_trip("clip.mp4", "mp4v"); }

TEST(reading_into_a_buffer_of_the_wrong_size_is_rejected) {
    bvtest::TempDir dir;
    const std::string path = dir.file("clip.avi");
    write_video(path, "MJPG", 2);
    bv_video_source* source = nullptr;
    CHECK_OK(bv_video_source_open(path.c_str(), nullptr, &source));
    std::vector<uint8_t> small(static_cast<size_t>(80) * 60 * 3);
    CHECK_STATUS(BV_INVALID_ARGUMENT,
                 bv_video_source_read(source, small.data(), static_cast<int64_t>(small.size()), 80, 60, 240, nullptr));
    CHECK(std::string(bv_last_error_message()).find("must be 160x120") != std::string::npos);
    CHECK_OK(bv_video_source_destroy(source));
}

TEST(truncated_video_delivers_its_intact_frames_then_ends) {
    constexpr int kFrames = 20;
    bvtest::TempDir dir;
    const std::string path = dir.file("truncated.avi");
    write_video(path, "MJPG", kFrames);
    std::filesystem::resize_file(path, std::filesystem::file_size(path) / 2);

    bv_video_source* source = nullptr;
    const int32_t opened = bv_video_source_open(path.c_str(), nullptr, &source);
    CHECK(opened == BV_OK || opened == BV_IO_ERROR);
    if (opened != BV_OK) return;
    const int stride = kWidth * 3;
    std::vector<uint8_t> frame(static_cast<size_t>(stride) * kHeight);
    int read = 0;
    int32_t status = BV_OK;
    while ((status = bv_video_source_read(source, frame.data(), static_cast<int64_t>(frame.size()), kWidth, kHeight,
                                          stride, nullptr)) == BV_OK) {
        ++read;
    }
    CHECK(status == BV_END_OF_STREAM || status == BV_IO_ERROR);
    CHECK(read > 0);
    CHECK(read < kFrames);
    CHECK_OK(bv_video_source_destroy(source));
}

TEST(image_sequence_pattern_is_read_in_order) {
    bvtest::TempDir dir;
    const int stride = kWidth * 3;
    std::vector<uint8_t> pixels(static_cast<size_t>(stride) * kHeight);
    for (int i = 0; i < 3; ++i) {
        render_frame(pixels, stride, i);
        const std::string path = dir.file("frame_00" + std::to_string(i) + ".png");
        CHECK(cv::imwrite(path, cv::Mat(kHeight, kWidth, CV_8UC3, pixels.data(), static_cast<size_t>(stride))));
    }
    const std::string pattern = dir.file("frame_%03d.png");
    bv_video_source* source = nullptr;
    CHECK_OK(bv_video_source_open(pattern.c_str(), nullptr, &source));
    if (source == nullptr) return;
    bv_video_info info{};
    CHECK_OK(bv_video_source_get_info(source, &info));
    CHECK(info.kind == BV_SOURCE_SEQUENCE);
    CHECK(info.width == kWidth && info.height == kHeight);
    std::vector<uint8_t> expected(pixels.size());
    int read = 0;
    while (bv_video_source_read(source, pixels.data(), static_cast<int64_t>(pixels.size()), kWidth, kHeight, stride,
                                nullptr) == BV_OK) {
        render_frame(expected, stride, read);
        CHECK(pixels == expected);  // PNG is lossless
        ++read;
    }
    CHECK(read == 3);
    CHECK_OK(bv_video_source_destroy(source));

    const std::string nothing = dir.file("none_%03d.png");
    CHECK_STATUS(BV_NOT_FOUND, bv_video_source_open(nothing.c_str(), nullptr, &source));
}

TEST(unreachable_stream_and_absent_camera_are_not_found) {
    bv_source_options options{};
    options.open_timeout_ms = 2000;
    options.read_timeout_ms = 2000;
    bv_video_source* source = nullptr;
    // Port 9 (discard) on the loopback interface refuses the connection at once.
    CHECK_STATUS(BV_NOT_FOUND, bv_video_source_open("http://127.0.0.1:9/stream.mjpg", &options, &source));
    CHECK(std::string(bv_last_error_message()).find("cannot open stream") != std::string::npos);
    CHECK(source == nullptr);
    CHECK_STATUS(BV_NOT_FOUND, bv_video_source_open("63", nullptr, &source));
    CHECK(std::string(bv_last_error_message()).find("cannot open camera '63'") != std::string::npos);
}
