// SPDX-License-Identifier: MIT
// The live half of `--follow`: after the first scan, keep watching.
//
// Folders are watched with inotify (input/watch.hpp) and listed again every
// k_rescan_interval as the fallback for lost events and file systems without them; a file is
// read once it is complete under its final name, and a file read before is read again only
// when its size or time changed (with --state, repeated events are then dropped by eventID).
// Files named on the command line are followed like `tail -F`: read from the start, then every
// record appended to them; a rotated file (a new file under the name) is read to its end and
// the new one followed from its start; a truncated one is read again from its start.
//
// Signals are read between inputs (util/signals.hpp): SIGTERM and SIGINT stop after the input
// being read (the caller then delivers what it can and closes the state); SIGHUP reloads the
// rules and watch lists, keeping the old ones when the new set is broken; SIGUSR1 prints the
// statistics so far.
#pragma once

#include "enrich/enrich.hpp"
#include "input/source.hpp"
#include "pipeline/deliver.hpp"
#include "pipeline/worker.hpp"
#include "trailwatch/options.hpp"
#include "util/signals.hpp"

#include <chrono>
#include <functional>
#include <vector>

namespace trailwatch {

inline constexpr std::chrono::seconds k_rescan_interval{30};

// Signals between inputs: stop is remembered, stats are printed at once, a reload is noted for
// the follow loop.
class LiveControl {
public:
  LiveControl(util::LiveSignals& signals, std::function<void()> print_stats)
      : m_signals(signals), m_print_stats(std::move(print_stats)) {}

  // Handles the signals that wait; true once a stop was asked for.
  bool stop_requested();
  // True once per SIGHUP received since the last call.
  bool take_reload();
  int fd() const { return m_signals.fd(); }

private:
  util::LiveSignals& m_signals;
  std::function<void()> m_print_stats;
  bool m_stop = false;
  bool m_reload = false;
};

// What the follow loop needs from the driver.
struct LiveRun {
  const Options& options;
  Delivery& delivery;
  Enricher& enricher;
  LiveControl& control;
  // Step 2's filter (time window, the state's "read before", quarantine); fills the state key.
  std::function<bool(Input&)> skip;
  // Reads one file input on `worker`, with the state's reading mark, and finishes it (prints
  // its diagnostics, routes its alerts, commits).
  std::function<void(const Input&, Worker&)> read_file;
  // Finishes a round of a followed file: prints, routes and commits (no file recorded).
  std::function<void(const Input&, InputResult&)> finish_stream;
};

// Removes the paths that do not exist (yet) from `paths` and returns them as files to follow.
std::vector<Input> take_missing_files(std::vector<std::string>& paths);

// Splits the inputs of a --follow run: files named on the command line are followed (returned
// and removed from `inputs`); the rest is the first scan.
std::vector<Input> take_followed_files(std::vector<Input>& inputs);

// Watches until a stop is requested or the output's reader goes away. `read_before` lists the
// inputs the first scan read (and skipped as unchanged); `followed` the named files.
void follow(LiveRun& run, const std::vector<Input>& read_before, std::vector<Input> followed);

} // namespace trailwatch
