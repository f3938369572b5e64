// SPDX-License-Identifier: MIT
// ReadingLog: the sidecar `FILE.reading` that tells which inputs a run was reading when it died.
//
// Before a worker may start an input the run appends a "started" line (the file's key, size and
// modification time); when the input is finished it appends a "finished" line. A run that dies
// leaves the inputs it was reading started and not finished, and the next run counts one attempt
// for each (State::open). Appending to a file costs one write(2) and no transaction, so marking
// an input does not depend on when the state commits (commits are batched); and because the
// "finished" line is written as soon as the input is done, an input read completely but not yet
// committed when the run died is read again without being suspected.
//
// The log is not synced: it guards against the process dying (a crash, the OOM killer, kill -9),
// which keeps everything written. A power loss may lose lines; then a poison file is read once
// more before it is quarantined. Format, one entry per line, paths length-prefixed (a path may
// hold a newline):
//   trailwatch-reading 1 <token>
//   S <size> <mtime_ns> <length>:<path>
//   F <length>:<path>
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace trailwatch {

// An input file as the state knows it: canonical path, size and modification time.
struct FileId {
  std::string path;
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;
};

// What a log left behind by a run says.
struct ReadingLeftover {
  std::uint64_t token = 0;        // identifies the run that wrote the log (counted once)
  std::vector<FileId> unfinished; // inputs it started and did not finish
};

class ReadingLog {
public:
  // The log at `path` (nothing is created until the first start()).
  explicit ReadingLog(std::string path) : m_path(std::move(path)) {}
  ReadingLog(const ReadingLog&) = delete;
  ReadingLog& operator=(const ReadingLog&) = delete;
  ~ReadingLog();

  // Reads the log a run left at `path`; empty when there is none (or it is empty). A line cut
  // short by the death of its writer is ignored.
  static std::optional<ReadingLeftover> read(const std::string& path);

  // Appends that `file` is about to be read. Creates the log (with a fresh token) on first use.
  // Throws Fatal naming the log when it cannot be written.
  void started(const FileId& file);
  // Appends that the input `path` was read to its end (nothing when it was not started).
  void finished(const std::string& path);
  // Rewrites the log to hold only the inputs started and not finished (after a commit).
  void compact();
  // Deletes the log file (after its leftover was recorded in the state).
  static void remove(const std::string& path);
  // At the normal end of a run (no death to report): closes and deletes the log, inputs still
  // marked included (read ahead by workers when a closed pipe stopped the run early).
  void discard();

private:
  void open_new();
  void append(const std::string& text);

  std::string m_path;
  int m_fd = -1;
  std::uint64_t m_token = 0;
  std::uint64_t m_size = 0;                                  // bytes written so far
  std::map<std::string, std::pair<FileId, int>> m_in_flight; // path → file, times started
};

} // namespace trailwatch
