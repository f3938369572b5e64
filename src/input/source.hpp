// SPDX-License-Identifier: MIT
// Inputs: positional paths expanded into an ordered list of things to read.
//
// Directories are walked recursively in sorted order (so output is deterministic), including
// the S3 layouts AWSLogs/<account>/CloudTrail/… and AWSLogs/o-…/<account>/CloudTrail/…. Digest,
// Insight and Lake folders are recognised by their path segment and not opened; empty files
// (S3 "folder" markers) and hidden files are skipped. Files named explicitly are always read.
// With a delivery cutoff (--since), the walk does not descend into the S3 layout's date folders
// (…/CloudTrail/<region>/YYYY[/MM[/DD]]) that end before it: their files cannot be read anyway.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace trailwatch {

struct Input {
  std::string path; // "-" for stdin
  bool is_stdin = false;
  bool named = false; // named on the command line (not found by walking a folder)
  bool link = false;  // found by walking and a symbolic link (its key resolves on its own)
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
  std::uint64_t unreadable = 0;     // folders found while walking that could not be read (errors)
  std::uint64_t pruned_folders = 0; // date folders not descended: wholly before the cutoff
};

// Expands `paths` (files, folders, "-"). Missing paths are reported on stderr and counted. With
// `delivered_after` (epoch seconds), date folders of the S3 layout whose whole period ends before
// it are not descended (see date_folder_end).
std::vector<Input> expand_inputs(const std::vector<std::string>& paths, InputCounters& counters,
                                 std::optional<long long> delivered_after = std::nullopt);

// The end (epoch seconds, exclusive) of the period a folder of the CloudTrail S3 layout covers:
// `…/CloudTrail/<region>/YYYY` a year, `…/YYYY/MM` a month, `…/YYYY/MM/DD` a day; empty for any
// other folder. Only that layout is trusted: a date-named folder elsewhere may hold anything.
std::optional<long long> date_folder_end(std::string_view folder);

} // namespace trailwatch
