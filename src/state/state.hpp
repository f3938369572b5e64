// SPDX-License-Identifier: MIT
// State: the `--state FILE` SQLite database that makes runs incremental and alerts reliable.
//
// It remembers which input files were fully processed (path + size + mtime), which eventIDs were
// seen (CloudTrail may deliver an event twice), and holds an outbox of alerts: an alert is written
// in the same transaction that marks its input processed, before any sink sees it, and is marked
// delivered only after a sink confirms it. A run killed at any moment loses nothing, and a
// confirmed delivery is never repeated. One run at a time holds the state (an flock on
// `FILE.lock`). A file that is not a trailwatch state (not SQLite, corrupt, from a newer build)
// is refused with Fatal and never modified. Every method throws Fatal naming the file when SQLite
// fails (read-only file, full disk, I/O error).
#pragma once

#include "trailwatch/alert.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace trailwatch {

// What `trailwatch state` shows.
struct StateSummary {
  std::uint64_t files = 0;       // input files recorded (complete or not)
  std::uint64_t events = 0;      // eventIDs remembered for de-duplication
  std::uint64_t alerts = 0;      // outbox rows (pending + delivered)
  std::uint64_t pending = 0;     // alerts not yet confirmed by a sink
  std::uint64_t delivered = 0;   // alerts confirmed delivered
  std::string last_run_started;  // RFC 3339 UTC; empty when no run was recorded
  std::string last_run_finished; // empty when the last run never finished (killed)
  std::string last_run_status;   // "ok" / "error" / "alerts", empty when unfinished
  int schema_version = 0;
  std::string path;
};

// An input file as the state knows it: canonical path, size and modification time.
struct FileId {
  std::string path;
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;
};

// An input that runs died on while reading it (see State::mark_reading).
struct SuspectFile {
  FileId file;
  int attempts = 0;  // runs that began reading this version of the file and never finished it
  std::string since; // when the first of them began (RFC 3339 UTC)
};

// One undelivered outbox alert; `alert.count` is the merged count.
struct PendingAlert {
  std::int64_t id;
  Alert alert;
};

class State {
public:
  // The schema version this build writes and the newest it can read.
  static constexpr int k_schema_version = 3;
  // A file that this many runs died on while reading it is quarantined: not read again until it
  // changes (one retry after the first death, then quarantine).
  static constexpr int k_quarantine_attempts = 2;

  // Opens or creates the state at `path`, waiting up to `lock_wait` for another run holding it.
  // Throws Fatal when it stays locked, or when the file is not a trailwatch SQLite state, is
  // corrupt, is read-only, or has a schema newer than k_schema_version; such a file is not changed.
  static std::unique_ptr<State> open(const std::string& path, std::chrono::milliseconds lock_wait);
  State(const State&) = delete;
  State& operator=(const State&) = delete;
  // Rolls back an unfinished input, closes the database and releases the lock.
  ~State();

  // Records the start of a run (a `runs` row, committed at once); returns its id.
  std::int64_t begin_run();
  // Records the end of run `run_id` with `status` ("ok" / "error" / "alerts").
  void finish_run(std::int64_t run_id, std::string_view status);

  // True when `path` was fully processed before with this `size` and `mtime_ns`.
  bool file_done(const std::string& path, std::uint64_t size, std::int64_t mtime_ns);

  // Poison inputs. Before a run reads a file it records the attempt (mark_reading, inside an
  // input transaction, so it costs no transaction of its own); committing the file's input
  // clears it. A mark left behind means a run died while that file was in flight.
  // How many runs died while reading this version of `file` (0 when none, or it changed).
  int reading_attempts(const FileId& file);
  // Records that this run is about to read `file` (an input transaction must be open).
  void mark_reading(const FileId& file);
  // Every file with attempts left behind, quarantined ones included.
  std::vector<SuspectFile> suspect_files();

  // Starts the transaction of one input: everything until commit_input is atomic.
  void begin_input();
  // True the first time `event_id` is seen (earlier committed inputs or earlier in this input);
  // false for a repeat. Empty ids are always new. `event_time` (RFC 3339) is kept for pruning.
  bool first_sighting(std::string_view event_id, std::string_view event_time);
  // Adds `alert` to the outbox, or merges it into an alert with the same rule id, actor and
  // account whose eventTime is within `window` of `alert`'s (adding `alert.count` to its count).
  // Returns true when a new outbox row was made. Must be called inside begin_input/commit_input.
  bool add_alert(const Alert& alert, std::chrono::minutes window);
  // Records `path` with `size`/`mtime_ns`: done when `complete`, else retried next run; commits.
  // An empty `path` (stdin) records no file but still commits the input's events and alerts.
  void commit_input(const std::string& path, std::uint64_t size, std::int64_t mtime_ns,
                    bool complete);
  // Abandons the current input: nothing since begin_input is kept.
  void rollback_input();

  // Undelivered alerts, oldest first (by id), with merged counts.
  std::vector<PendingAlert> pending_alerts();
  // Marks `alert_id` delivered and commits before returning; throws Fatal when that write fails.
  void mark_delivered(std::int64_t alert_id);

  // Counts and the last run, for `trailwatch state`.
  StateSummary summary();
  // Forgets eventIDs whose event time is older than `keep` before the reference time (the
  // newest event time seen, but never later than now). Call once per run.
  void prune_events(std::chrono::hours keep);

private:
  State(std::string path, int lock_fd);
  void open_database();
  void check_and_migrate();
  void exec(const char* sql, std::string_view what);
  sqlite3_stmt* prepare(const char* sql);
  void require_input(const char* method, bool inside) const;

  std::string m_path;
  int m_lock_fd = -1;
  sqlite3* m_db = nullptr;
  bool m_in_input = false;
  std::int64_t m_run_id = 0;                                       // from begin_run; 0 = none
  std::vector<std::pair<const char*, sqlite3_stmt*>> m_statements; // cache keyed by SQL text
};

// Parses an RFC 3339 UTC time `text` ("YYYY-MM-DDTHH:MM:SS[.fff]Z") into seconds since the
// epoch; empty when it is not one.
std::optional<std::int64_t> parse_event_time(std::string_view text);

} // namespace trailwatch
