// A minimal test harness for the shim's C ABI (no third-party test framework needed by CI).
#pragma once

#include "blurvideo_native.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace bvtest {

struct TestCase {
    const char* name;
    std::function<void()> body;
};

std::vector<TestCase>& registry();
void record_failure(const char* file, int line, const std::string& message);

struct Registration {
    Registration(const char* name, std::function<void()> body) { registry().push_back({name, std::move(body)}); }
};

// A fresh directory under the system temp directory, removed when the test ends.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    std::string file(const std::string& name) const { return (path_ / name).string(); }

private:
    std::filesystem::path path_;
};

std::string status_name(int32_t status);

}  // namespace bvtest

#define BV_CONCAT_INNER(a, b) a##b
#define BV_CONCAT(a, b) BV_CONCAT_INNER(a, b)

#define TEST(name)                                                                   \
    static void name();                                                              \
    static const bvtest::Registration BV_CONCAT(registration_, name)(#name, &name); \
    static void name()

#define CHECK(condition)                                                         \
    do {                                                                         \
        if (!(condition)) bvtest::record_failure(__FILE__, __LINE__, #condition); \
    } while (false)

#define CHECK_STATUS(expected, call)                                                                        \
    do {                                                                                                    \
        const int32_t bv_actual_status = (call);                                                            \
        if (bv_actual_status != (expected)) {                                                               \
            std::ostringstream bv_message;                                                                  \
            bv_message << #call << " returned " << bvtest::status_name(bv_actual_status) << ", expected "    \
                       << bvtest::status_name(expected) << " (last error: " << bv_last_error_message() << ")"; \
            bvtest::record_failure(__FILE__, __LINE__, bv_message.str());                                   \
        }                                                                                                   \
    } while (false)

#define CHECK_OK(call) CHECK_STATUS(BV_OK, call)

#define CHECK_NEAR(actual, expected, tolerance)                                                       \
    do {                                                                                              \
        const double bv_a = (actual), bv_e = (expected);                                              \
        if (!(bv_a - bv_e <= (tolerance) && bv_e - bv_a <= (tolerance))) {                            \
            std::ostringstream bv_message;                                                            \
            bv_message << #actual << " = " << bv_a << ", expected " << bv_e << " +- " << (tolerance); \
            bvtest::record_failure(__FILE__, __LINE__, bv_message.str());                             \
        }                                                                                             \
    } while (false)
