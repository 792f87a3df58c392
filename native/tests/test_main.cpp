#include "test_support.hpp"

#include <atomic>
#include <chrono>
#include <cstring>

namespace bvtest {
namespace {
int failures_in_current_test = 0;
}

std::vector<TestCase>& registry() {
    static std::vector<TestCase> tests;
    return tests;
}

void record_failure(const char* file, int line, const std::string& message) {
    ++failures_in_current_test;
    std::cerr << "    " << file << ":" << line << ": " << message << "\n";
}

TempDir::TempDir() {
    static std::atomic<int> counter{0};
    const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
    path_ = std::filesystem::temp_directory_path() /
            ("blurvideo-native-test-" + std::to_string(stamp) + "-" + std::to_string(counter++));
    std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
}

std::string status_name(int32_t status) {
    switch (status) {
        case BV_OK: return "BV_OK";
        case BV_INVALID_ARGUMENT: return "BV_INVALID_ARGUMENT";
        case BV_NOT_FOUND: return "BV_NOT_FOUND";
        case BV_END_OF_STREAM: return "BV_END_OF_STREAM";
        case BV_IO_ERROR: return "BV_IO_ERROR";
        case BV_OPENCV_ERROR: return "BV_OPENCV_ERROR";
        case BV_UNKNOWN: return "BV_UNKNOWN";
        default: return "status " + std::to_string(status);
    }
}

}  // namespace bvtest

// Usage: blurvideo_native_tests [substring]  -- runs the tests whose name contains the substring.
int main(int argc, char** argv) {
    const char* filter = argc > 1 ? argv[1] : "";
    int failed = 0;
    int run = 0;
    for (const auto& test : bvtest::registry()) {
        if (std::strstr(test.name, filter) == nullptr) continue;
        ++run;
        bvtest::failures_in_current_test = 0;
        try {
            test.body();
        } catch (const std::exception& e) {
            bvtest::record_failure(__FILE__, __LINE__, std::string("unexpected exception: ") + e.what());
        }
        const bool passed = bvtest::failures_in_current_test == 0;
        std::cout << (passed ? "[ OK ] " : "[FAIL] ") << test.name << std::endl;
        if (!passed) ++failed;
    }
    std::cout << run - failed << " of " << run << " tests passed" << std::endl;
    return failed == 0 && run > 0 ? 0 : 1;
}
