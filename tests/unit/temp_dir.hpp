// SPDX-License-Identifier: MIT
// TempDir: a fresh directory under the system temp folder for one test, removed at its end.
#pragma once

#include <atomic>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <unistd.h>

namespace trailwatch::testing_support {

class TempDir {
public:
  TempDir() {
    static std::atomic<unsigned> counter{0};
    std::random_device rd;
    m_path = std::filesystem::temp_directory_path() /
             ("trailwatch_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) +
              "_" + std::to_string(rd()));
    std::filesystem::create_directories(m_path);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(m_path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // Writes `text` to `name` (sub-folders are created) and returns the full path.
  std::string write(const std::string& name, const std::string& text) const {
    const std::filesystem::path file = m_path / name;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file) << text;
    return file.string();
  }
  // The directory, as a string.
  std::string path() const { return m_path.string(); }
  // A path inside the directory.
  std::filesystem::path operator/(const std::string& name) const { return m_path / name; }

private:
  std::filesystem::path m_path;
};

} // namespace trailwatch::testing_support
