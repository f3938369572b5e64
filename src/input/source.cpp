// SPDX-License-Identifier: MIT
#include "input/source.hpp"

#include "trailwatch/diag.hpp"

#include <algorithm>
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

void walk(const fs::path& root, std::vector<Input>& out, InputCounters& counters) {
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
      if (entry.is_directory(file_ec) && !entry.is_symlink(file_ec)) {
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
      found.push_back(Input{entry.path().string(), false, false, size, mtime_ns(entry.path()), {}});
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

std::vector<Input> expand_inputs(const std::vector<std::string>& paths, InputCounters& counters) {
  std::vector<Input> inputs;
  for (const auto& path : paths) {
    if (path == "-") {
      inputs.push_back(Input{"-", true, true, 0, 0, {}});
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
      walk(path, inputs, counters);
    } else {
      inputs.push_back(Input{path, false, true, fs::file_size(path, ec), mtime_ns(path), {}});
    }
  }
  return inputs;
}

} // namespace trailwatch
