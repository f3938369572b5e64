// SPDX-License-Identifier: MIT
// Inputs: positional paths expanded into an ordered list of things to read.
//
// Directories are walked recursively in sorted order (so output is deterministic), including
// the S3 layouts AWSLogs/<account>/CloudTrail/… and AWSLogs/o-…/<account>/CloudTrail/…. Digest,
// Insight and Lake folders are recognised by their path segment and not opened; empty files
// (S3 "folder" markers) and hidden files are skipped. Files named explicitly are always read.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace trailwatch {

struct Input {
  std::string path; // "-" for stdin
  bool is_stdin = false;
  bool named = false; // named on the command line (not found by walking a folder)
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0; // modification time, for the state's "already read" check
  // With --state only (the driver fills it; resolving costs system calls per file): the file's
  // canonical absolute path, the state's key, so a folder given relative in one run and
  // absolute in the next is the same input.
  std::string key;
};

struct InputCounters {
  std::uint64_t skipped_digest_files = 0;
  std::uint64_t skipped_insight_files = 0;
  std::uint64_t skipped_other_files = 0;
  std::uint64_t missing = 0;
  std::uint64_t unreadable = 0; // folders found while walking that could not be read (errors)
};

// Expands `paths` (files, folders, "-"). Missing paths are reported on stderr and counted.
std::vector<Input> expand_inputs(const std::vector<std::string>& paths, InputCounters& counters);

} // namespace trailwatch
