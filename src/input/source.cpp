// SPDX-License-Identifier: MIT
#include "input/source.hpp"
#include "util/paths.hpp"

#include "trailwatch/diag.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <sys/stat.h>

namespace trailwatch {
namespace fs = std::filesystem;

namespace {

enum class FileRole { events, digest, insight, other };

// Classifies a file found by walking a folder, by the S3 key segment CloudTrail uses.
FileRole role_of(const fs::path& path) {
  for (const auto& part : path) {
    const auto s = part.native();
    if (s == "CloudTrail-Digest") {
      return FileRole::digest;
    }
    if (s == "CloudTrail-Insight") {
      return FileRole::insight;
    }
    if (s == "CloudTrail-Lake") {
      return FileRole::other;
    }
  }
  const auto name = path.filename().native();
  if (name.find("_CloudTrail-Digest_") != std::string::npos) {
    return FileRole::digest;
  }
  if (name.find("_CloudTrail-Insight_") != std::string::npos) {
    return FileRole::insight;
  }
  return FileRole::events;
}

std::int64_t mtime_ns(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return 0;
  }
  return static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
}

// The value of `text` when it is exactly `digits` decimal digits, else -1.
int number(std::string_view text, std::size_t digits) {
  if (text.size() != digits) {
    return -1;
  }
  int value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') {
      return -1;
    }
    value = value * 10 + (c - '0');
  }
  return value;
}

long long epoch_of(std::chrono::year_month_day date) {
  return static_cast<long long>(std::chrono::sys_days(date).time_since_epoch().count()) * 86400;
}

void walk(const fs::path& root, std::vector<Input>& out, InputCounters& counters,
          std::optional<long long> delivered_after) {
  // Iterative (an explicit stack of folders), so no folder depth reaches the call stack; a
  // folder that cannot be read is an error and the walk goes on with the others.
  std::vector<Input> found;
  std::vector<fs::path> folders{root};
  while (!folders.empty()) {
    const fs::path folder = std::move(folders.back());
    folders.pop_back();
    std::error_code ec;
    fs::directory_iterator it(folder, ec);
    if (ec) {
      diag::error("{}: cannot read folder: {}", folder.string(), ec.message());
      ++counters.unreadable;
      continue;
    }
    for (; it != fs::directory_iterator(); it.increment(ec)) {
      const auto& entry = *it;
      const auto name = entry.path().filename().native();
      if (!name.empty() && name[0] == '.') {
        continue; // hidden files and folders (and aws s3 sync's temporary files)
      }
      std::error_code file_ec;
      const bool link = entry.is_symlink(file_ec);
      if (!link && entry.is_directory(file_ec)) {
        if (delivered_after) {
          // Every file under it was delivered before the folder's period ended.
          if (const auto end = date_folder_end(entry.path().native());
              end && *end < *delivered_after) {
            ++counters.pruned_folders;
            continue;
          }
        }
        folders.push_back(entry.path());
        continue;
      }
      if (!entry.is_regular_file(file_ec)) {
        continue;
      }
      switch (role_of(entry.path())) {
      case FileRole::digest:
        ++counters.skipped_digest_files;
        continue;
      case FileRole::insight:
        ++counters.skipped_insight_files;
        continue;
      case FileRole::other:
        ++counters.skipped_other_files;
        continue;
      case FileRole::events:
        break;
      }
      const auto size = entry.file_size(file_ec);
      if (file_ec || size == 0) {
        ++counters.skipped_other_files; // S3 "folder" markers are empty objects
        continue;
      }
      found.push_back(
          Input{entry.path().string(), false, false, link, size, mtime_ns(entry.path()), {}});
    }
    if (ec) {
      diag::error("{}: cannot read folder: {}", folder.string(), ec.message());
      ++counters.unreadable;
    }
  }
  std::sort(found.begin(), found.end(),
            [](const Input& a, const Input& b) { return a.path < b.path; });
  out.insert(out.end(), std::make_move_iterator(found.begin()),
             std::make_move_iterator(found.end()));
}

} // namespace

std::optional<long long> date_folder_end(std::string_view folder) {
  // The last five path components, innermost first ("" where there are fewer).
  std::size_t count = 0;
  const auto parts = util::last_components<5>(folder, count);
  using namespace std::chrono;
  // …/CloudTrail/<region>/YYYY: a year.
  if (const int y = number(parts[0], 4); y >= 0 && parts[2] == "CloudTrail") {
    return epoch_of(year(y + 1) / January / 1);
  }
  // …/CloudTrail/<region>/YYYY/MM: a month.
  if (const int y = number(parts[1], 4), m = number(parts[0], 2);
      y >= 0 && m >= 1 && m <= 12 && parts[3] == "CloudTrail") {
    const year_month next = year(y) / month(static_cast<unsigned>(m)) + months(1);
    return epoch_of(next / 1);
  }
  // …/CloudTrail/<region>/YYYY/MM/DD: a day.
  if (const int y = number(parts[2], 4), m = number(parts[1], 2), d = number(parts[0], 2);
      y >= 0 && m >= 1 && m <= 12 && d >= 1 && parts[4] == "CloudTrail") {
    const year_month_day day{year(y), month(static_cast<unsigned>(m)),
                             std::chrono::day(static_cast<unsigned>(d))};
    if (day.ok()) {
      return epoch_of(day) + 86400;
    }
  }
  return std::nullopt;
}

std::vector<Input> expand_inputs(const std::vector<std::string>& paths, InputCounters& counters,
                                 std::optional<long long> delivered_after) {
  std::vector<Input> inputs;
  for (const auto& path : paths) {
    if (path == "-") {
      inputs.push_back(Input{"-", true, true, false, 0, 0, {}});
      continue;
    }
    std::error_code ec;
    const auto status = fs::status(path, ec);
    if (ec || !fs::exists(status)) {
      diag::error("{}: {}", path, ec ? ec.message() : "no such file or directory");
      ++counters.missing;
      continue;
    }
    if (fs::is_directory(status)) {
      walk(path, inputs, counters, delivered_after);
    } else {
      inputs.push_back(
          Input{path, false, true, false, fs::file_size(path, ec), mtime_ns(path), {}});
    }
  }
  return inputs;
}

} // namespace trailwatch
