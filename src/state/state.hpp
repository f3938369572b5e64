// SPDX-License-Identifier: MIT
// State: the `--state FILE` SQLite database that makes runs incremental and alerts reliable.
//
// It remembers which input files were fully processed (folder + name + size + mtime), which
// eventIDs were seen (CloudTrail may deliver an event twice), and holds an outbox of alerts: an
// alert is written in the same transaction that marks its input processed, before any sink sees
// it, and is marked delivered only after a sink confirms it. Inputs commit in batches (Batching). A
// run killed at any moment loses nothing, and a confirmed delivery is never repeated. One run at a
// time holds the state (an flock on `FILE.lock`). A file that is not a trailwatch state (not
// SQLite, corrupt, from a newer build) is refused with Fatal and never modified. Every method
// throws Fatal naming the file when SQLite fails (read-only file, full disk, I/O error).
#pragma once

#include "state/reading_log.hpp"
#include "trailwatch/alert.hpp"

#include <chrono>
#include <cstdint>
#include <map>
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
  std::uint64_t files = 0;       // input files recorded as read
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

// When the inputs of a run are committed. An input's events, alerts and "read" mark always commit
// together; a batch commits many inputs in one transaction, when it holds `max_inputs` inputs, is
// `max_age` old, or an input added a new outbox alert (so an alert is never held back by the
// batching), and at State::commit_batch. A run killed mid-batch reads the batch's inputs again.
struct Batching {
  std::size_t max_inputs = 1; // 1: every input commits at once
  std::chrono::milliseconds max_age{0};
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
  static constexpr int k_schema_version = 4;
  // A file that this many runs died on while reading it is quarantined: not read again until it
  // changes (one retry after the first death, then quarantine).
  static constexpr int k_quarantine_attempts = 2;

  // Opens or creates the state at `path`, waiting up to `lock_wait` for another run holding it.
  // Throws Fatal when it stays locked, or when the file is not a trailwatch SQLite state, is
  // corrupt, is read-only, or has a schema newer than k_schema_version; such a file is not changed.
  static std::unique_ptr<State> open(const std::string& path, std::chrono::milliseconds lock_wait);
  State(const State&) = delete;
  State& operator=(const State&) = delete;
  // Rolls back an unfinished input and an uncommitted batch, closes the database and releases
  // the lock.
  ~State();

  // Sets when inputs commit (the default commits every input at once).
  void set_batching(Batching batching) { m_batching = batching; }

  // Records the start of a run (a `runs` row, committed at once); returns its id.
  std::int64_t begin_run();
  // Records the end of run `run_id` with `status` ("ok" / "error" / "alerts"), drops the reading
  // log (no input killed this run) and checkpoints the write-ahead log into the database file
  // (so the state is one file between runs).
  void finish_run(std::int64_t run_id, std::string_view status);

  // True when `path` was fully processed before with this `size` and `mtime_ns`.
  bool file_done(const std::string& path, std::uint64_t size, std::int64_t mtime_ns);

  // Poison inputs. Before a run reads a file it records the attempt (mark_reading: a line in the
  // reading log, see state/reading_log.hpp); finishing the file's input clears it. When the state
  // is opened, the inputs a dead run left started and unfinished count one attempt each.
  // How many runs died while reading this version of `file` (0 when none, or it changed).
  int reading_attempts(const FileId& file) const;
  // Records that this run is about to read `file` (at any time, inside an input or not).
  void mark_reading(const FileId& file);
  // Every file with attempts left behind, quarantined ones included.
  std::vector<SuspectFile> suspect_files();

  // Starts one input: everything until commit_input is atomic (a savepoint in the batch).
  void begin_input();
  // True the first time `event_id` is seen (earlier committed inputs or earlier in this input);
  // false for a repeat. Empty ids are always new. `event_time` (RFC 3339) is kept for pruning.
  bool first_sighting(std::string_view event_id, std::string_view event_time);
  // Adds `alert` to the outbox, or merges it into an alert with the same rule id, actor and
  // account whose eventTime is within `window` of `alert`'s (adding `alert.count` to its count).
  // Returns true when a new outbox row was made. Must be called inside begin_input/commit_input.
  bool add_alert(const Alert& alert, std::chrono::minutes window);
  // Ends the input: records `path` with `size`/`mtime_ns` as read when `complete` (else it is read
  // again next run) and commits the batch when Batching says so. An empty `path` (stdin) records
  // no file but still keeps the input's events and alerts.
  void commit_input(const std::string& path, std::uint64_t size, std::int64_t mtime_ns,
                    bool complete);
  // Abandons the current input: nothing since begin_input is kept (the batch before it is).
  void rollback_input();
  // Commits the inputs finished so far (nothing to do when none); durable on return.
  void commit_batch();

  // Undelivered alerts, oldest first (by id), with merged counts. Only committed alerts: call it
  // outside a batch.
  std::vector<PendingAlert> pending_alerts();
  // Marks `alert_id` delivered and commits before returning; throws Fatal when that write fails.
  void mark_delivered(std::int64_t alert_id);

  // Counts and the last run, for `trailwatch state`.
  StateSummary summary();
  // Forgets eventIDs, and delivered alerts, whose event time is older than `keep` before the
  // reference time (the newest event time seen, but never later than now), and finished runs as
  // old that no alert names. Call once per run.
  void prune_events(std::chrono::hours keep);
  // Forgets files delivered (by their S3 key: util::delivery_time_from_path) before `cutoff`,
  // epoch seconds. The caller must make sure no run reads such files again (the --since window
  // or --state-retention excludes them); files whose key shows no time are kept.
  void forget_files_delivered_before(std::int64_t cutoff);

private:
  State(std::string path, int lock_fd);
  void open_database();
  void check_and_migrate();
  void exec(const char* sql, std::string_view what);
  sqlite3_stmt* prepare(const char* sql);
  void require_input(const char* method, bool inside) const;
  void require_no_batch(const char* method) const;
  void apply_reading_log();
  void load_reading_marks();
  // The id of `folder` (a file key's folder part); 0 when unknown and `create` is false.
  std::int64_t folder_id(std::string_view folder, bool create);
  void rollback_batch();

  std::string m_path;
  int m_lock_fd = -1;
  sqlite3* m_db = nullptr;
  bool m_in_input = false;
  bool m_in_batch = false; // a batch transaction is open
  Batching m_batching;
  std::size_t m_batch_inputs = 0; // inputs finished in the open batch
  bool m_batch_alerts = false;    // the open batch made a new outbox alert
  std::chrono::steady_clock::time_point m_batch_started;
  ReadingLog m_log;
  // Reading marks of earlier runs that died (the `reading` table), by path.
  std::map<std::string, std::pair<FileId, int>, std::less<>> m_marks;
  // Folder ids by folder path (found or created); cleared on rollback (a created row is undone).
  std::map<std::string, std::int64_t, std::less<>> m_folders;
  std::int64_t m_run_id = 0;                                       // from begin_run; 0 = none
  std::vector<std::pair<const char*, sqlite3_stmt*>> m_statements; // cache keyed by SQL text
};

// Parses an RFC 3339 UTC time `text` ("YYYY-MM-DDTHH:MM:SS[.fff]Z") into seconds since the
// epoch; empty when it is not one.
std::optional<std::int64_t> parse_event_time(std::string_view text);

} // namespace trailwatch
