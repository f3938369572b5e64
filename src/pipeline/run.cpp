// SPDX-License-Identifier: MIT
// The scan driver. It reads like the pipeline:
//   1. set up: load rules, open GeoIP databases, build sinks, open the state (fatal on failure);
//   2. list inputs: expand paths (sorted; digest/insight folders skipped), minus files delivered
//      before --since and files the state has read;
//   3. map: read inputs on a pool of workers (pipeline/worker.hpp), each with its own decoder
//      and parsers — decode, prefilter, split records, enrich, match;
//   4. reduce: take results in input order (output and stderr identical for any -j), print
//      each input's diagnostics, route its alerts (pipeline/deliver.hpp); stdin is streamed on
//      this thread and its alerts are routed as they are found;
//   5. deliver what waits (the state's outbox, Slack), report --stats, pick the exit status.
#include "pipeline/run.hpp"

#include "input/watch.hpp"
#include "pipeline/components.hpp"
#include "pipeline/deliver.hpp"
#include "pipeline/engine.hpp"
#include "pipeline/follow.hpp"
#include "pipeline/pool.hpp"
#include "pipeline/report.hpp"
#include "pipeline/worker.hpp"
#include "trailwatch/diag.hpp"
#include "trailwatch/error.hpp"
#include "util/paths.hpp"
#include "util/signals.hpp"
#include "util/time.hpp"

#include <algorithm>
#include <chrono>
#include <optional>
#include <set>
#include <span>

namespace trailwatch {
namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

FileId file_id(const Input& input) {
  return FileId{input.key, input.size, input.mtime_ns};
}

// --state commits many inputs per transaction (an fsync each): at most this many, or this old.
// A run killed mid-batch reads the batch again; an input that adds an outbox alert commits it.
constexpr Batching k_state_batching{4096, std::chrono::seconds(1)};

// A log file holds only events from before its delivery time (the stamp in its name, or its day
// folder), so a file delivered before --since cannot hold a relevant event. The hour of margin
// covers the stamp's minute resolution; late events are in later files.
constexpr long long k_delivery_margin = 3600;

// Files delivered before this (epoch seconds) are neither listed nor read: those before the
// --since window, and those the state no longer remembers (--state-retention).
std::optional<long long> delivery_cutoff(const Options& options) {
  std::optional<long long> cutoff;
  if (options.since) {
    cutoff = *options.since - k_delivery_margin;
  }
  if (options.state_retention_start) {
    cutoff = std::max(cutoff.value_or(*options.state_retention_start - k_delivery_margin),
                      *options.state_retention_start - k_delivery_margin);
  }
  return cutoff;
}

// The state forgets files delivered before this: the retention when set, else the --since
// window's start. Either way delivery_cutoff excludes such files from every later run with the
// same flags, so a forgotten file is never read again.
std::optional<long long> forget_cutoff(const Options& options) {
  if (options.state_retention_start) {
    return *options.state_retention_start - k_delivery_margin;
  }
  if (options.since) {
    return *options.since - k_delivery_margin;
  }
  return std::nullopt;
}

// Step 2's filter: true for an input this run need not open. With a state it also fills the
// input's key (resolving it costs system calls, so only for files the time window keeps).
class InputFilter {
public:
  InputFilter(const Options& options, State* state)
      : m_cutoff(delivery_cutoff(options)), m_state(state) {}

  bool skip(Input& input) {
    if (input.is_stdin) {
      return false;
    }
    const std::string_view name = std::string_view(input.path).substr(input.path.rfind('/') + 1);
    if (!input.named && is_temporary_name(name)) {
      // A download in progress (`aws s3 sync` writes "<name>.<8 hex digits>", then renames).
      diag::debug(1, "{}: a temporary name; not read", input.path);
      return true;
    }
    if (m_cutoff) {
      const auto delivered = util::delivery_time_from_path(input.path);
      if (delivered && *delivered < *m_cutoff) {
        ++skipped_by_time;
        return true;
      }
    }
    if (!m_state) {
      return false;
    }
    input.key = key_of(input);
    if (m_state->file_done(input.key, input.size, input.mtime_ns)) {
      ++skipped_unchanged;
      return true;
    }
    {
      const int attempts = m_state->reading_attempts(file_id(input));
      if (attempts >= State::k_quarantine_attempts) {
        // Reported on every run, so a poison file is never forgotten; the rest is read.
        diag::error("{}: quarantined: {} runs died while reading it; it is not read again until "
                    "it changes (trailwatch state lists it)",
                    input.path, attempts);
        ++quarantined;
        return true;
      }
      if (attempts > 0) {
        suspects.insert(input.key);
      }
    }
    return false;
  }

  std::uint64_t skipped_by_time = 0;
  std::uint64_t skipped_unchanged = 0;
  std::uint64_t quarantined = 0;
  std::set<std::string> suspects; // keys of inputs a run died on once: read first, alone

private:
  // The canonical path. A file found by walking that is not a link is its folder's canonical
  // path plus its name: one realpath per folder (walked files come folder by folder), not per file.
  std::string key_of(const Input& input) {
    const std::size_t slash = input.path.rfind('/');
    if (input.named || input.link || slash == std::string::npos || slash == 0) {
      return util::canonical_path(input.path);
    }
    const std::string_view folder(input.path.data(), slash);
    if (folder != m_folder) {
      m_folder = folder;
      m_canonical_folder = util::canonical_path(m_folder);
      if (m_canonical_folder.empty() || m_canonical_folder.back() != '/') {
        m_canonical_folder += '/';
      }
    }
    return m_canonical_folder + input.path.substr(slash + 1);
  }

  std::optional<long long> m_cutoff;
  State* m_state;
  std::string m_folder;           // the folder of the last walked file, as walked
  std::string m_canonical_folder; // its canonical path, with a final '/'
};

void account(Totals& totals, const InputResult& result) {
  ++totals.inputs;
  totals.failed_inputs += result.failed ? 1 : 0;
  totals.bytes_read += result.bytes_read;
  totals.bytes_decoded += result.bytes_decoded;
  totals.counters.add(result.counters);
  totals.outside_window += result.outside_window;
  totals.records_matched += result.records_matched;
  totals.records_unmatched += result.records_unmatched;
  totals.inputs_prefiltered += result.prefiltered ? 1 : 0;
  totals.seconds_decode += result.seconds_decode;
  totals.seconds_parse += result.seconds_parse;
}

} // namespace

int run_scan(const Options& options) {
  const auto started = Clock::now();
  Totals totals;

  // 1. Set up: any failure here stops the run before reading. A live run (--follow) takes its
  //    signals synchronously; they are blocked before any thread starts (util/signals.hpp).
  std::optional<util::LiveSignals> signals;
  if (options.follow) {
    signals.emplace();
  }
  const Matcher matcher(load_selected_rules(options));
  auto enricher = make_enricher(options, matcher.uses_geo());
  auto sinks = make_sinks(options);
  std::unique_ptr<State> state;
  std::int64_t run_id = 0;
  if (!options.state_path.empty()) {
    state = State::open(options.state_path, std::chrono::seconds(options.state_wait_seconds));
    state->set_batching(k_state_batching);
    run_id = state->begin_run();
  }
  totals.seconds_setup = since(started);

  // 2. List inputs.
  const auto listing = Clock::now();
  InputCounters input_counters;
  std::vector<Input> inputs;
  InputFilter filter(options, state.get());
  // --follow: named files are followed (tail -F: also one that does not exist yet) rather than
  // scanned; the folders' files listed now are remembered, so the follow loop reads only what
  // comes after.
  std::vector<Input> followed;
  std::vector<std::string> paths = options.paths;
  if (options.follow) {
    followed = take_missing_files(paths);
  }
  std::vector<Input> listed = expand_inputs(paths, input_counters, delivery_cutoff(options));
  if (options.follow) {
    std::vector<Input> named = take_followed_files(listed);
    followed.insert(followed.begin(), std::make_move_iterator(named.begin()),
                    std::make_move_iterator(named.end()));
  }
  for (Input& input : options.follow ? std::vector<Input>(listed) : std::move(listed)) {
    if (!filter.skip(input)) {
      inputs.push_back(std::move(input));
    }
  }
  totals.inputs_skipped_by_time = filter.skipped_by_time;
  totals.inputs_unchanged = filter.skipped_unchanged;
  totals.inputs_quarantined = filter.quarantined;
  totals.seconds_list = since(listing);

  // 3 + 4. Map on the workers, reduce here in input order.
  const Prefilter prefilter(matcher.event_names(), !matcher.wants_all() && !options.full_parse);
  const unsigned workers = std::max(1u, std::min<unsigned>(options.jobs, inputs.size()));
  const Pipeline pipeline = make_pipeline(options, matcher, prefilter, *enricher, workers);
  Delivery delivery(sinks, state.get(), options);
  // Progress only for files: a stdin stream has no known size.
  Progress progress(options.progress && std::none_of(inputs.begin(), inputs.end(),
                                                     [](const Input& in) { return in.is_stdin; }),
                    inputs);
  diag::set_before_print([&progress] { progress.clear(); });
  double seconds_deliver = 0;
  auto route = [&](std::vector<Alert>& alerts) {
    const auto t = Clock::now();
    if (!alerts.empty()) {
      progress.clear(); // never glue the progress line to an alert on the same terminal
    }
    totals.alerts_found += alerts.size();
    const bool go_on = delivery.route(alerts);
    seconds_deliver += since(t);
    return go_on;
  };
  // A live stream (stdin) delivers as it goes: with a state, each round of alerts commits at
  // once (the outbox before any sink sees it), and what is committed is handed to the sinks;
  // the quiet rounds collect Slack's confirmations.
  auto stream_route = [&](std::vector<Alert>& alerts) {
    const bool go_on = route(alerts);
    if (state) {
      state->commit_input(std::string(), 0, 0, true); // marking delivered needs no input open
    }
    delivery.deliver_committed();
    if (state) {
      state->begin_input();
    }
    return go_on && !delivery.closed();
  };
  // Everything done with one input's result, in input order.
  Worker main_worker(pipeline);
  auto finish_input = [&](const Input& input, InputResult& result) {
    diag::print_captured(result.diagnostics);
    route(result.alerts);
    if (state) {
      // Alerts and "this file is read" commit together (in a batch of inputs), before any sink
      // sees them. A file that failed half-way is not marked read, so the next run reads it again.
      // The size recorded is what was read: a file that grew after it was listed is then
      // read again next run (its repeated events are dropped by eventID). Committing also
      // clears the file's reading mark.
      state->commit_input(input.is_stdin ? std::string() : input.key, result.bytes_read,
                          input.mtime_ns, !result.failed);
    }
    account(totals, result);
    progress.update(result.bytes_read);
  };
  // Statistics so far (the end of the run, or SIGUSR1 during a live one).
  auto report_stats = [&] {
    totals.alerts = delivery.handed_out();
    totals.alerts_new = delivery.new_alerts();
    totals.alerts_merged = delivery.merged_alerts();
    totals.repeated_events = delivery.repeated_events();
    totals.alerts_pending = delivery.pending();
    print_stats(totals, input_counters, since(started), state != nullptr);
  };
  std::optional<LiveControl> control;
  if (signals) {
    control.emplace(*signals, report_stats);
  }
  auto stop_requested = [&] { return control && control->stop_requested(); };
  // Records that this run is about to read `batch` (the state's reading log: no transaction).
  auto mark_reading = [&](std::span<const Input> batch) {
    for (const Input& input : batch) {
      if (!input.is_stdin) {
        state->mark_reading(file_id(input));
      }
    }
  };

  // 3a. Inputs a run died on once are retried first, one at a time and each marked alone, so
  //     a second death pins the one file that caused it (quarantined next run).
  std::vector<Input> suspects;
  std::erase_if(inputs, [&](Input& input) {
    if (filter.suspects.count(input.key) == 0) {
      return false;
    }
    suspects.push_back(std::move(input));
    return true;
  });
  for (const Input& input : suspects) {
    diag::warning("{}: a run died while reading it; reading it again, alone", input.path);
    mark_reading(std::span(&input, 1));
    state->begin_input();
    InputResult result = main_worker.read_input(input);
    finish_input(input, result);
    if (delivery.closed()) {
      break;
    }
  }

  // 3b. The other inputs on the pool. Each file is marked as being read before any worker may
  //     start it: the first window before the pool starts, then one more as each input is
  //     taken, so a crash leaves marks on the files in flight only.
  {
    const unsigned jobs = std::max(1u, std::min<unsigned>(options.jobs, inputs.size()));
    const std::size_t window = jobs > 1 ? OrderedPool::window_for(jobs) : 0;
    if (state && !inputs.empty()) {
      mark_reading(std::span(inputs).first(std::min(inputs.size(), window + 1)));
    }
    std::optional<OrderedPool> pool;
    if (jobs > 1) {
      pool.emplace(pipeline, inputs, jobs);
    }
    std::size_t i = 0;
    for (; i < inputs.size() && !delivery.closed() && !stop_requested(); ++i) {
      const Input& input = inputs[i];
      if (state) {
        state->begin_input();
        if (const std::size_t ahead = i + window + 1; ahead < inputs.size()) {
          if (!inputs[ahead].is_stdin) {
            state->mark_reading(file_id(inputs[ahead]));
          }
        }
      }
      InputResult result;
      if (input.is_stdin) {
        if (pool) {
          pool->take(i); // keep the pool's window moving past the stdin slot
        }
        result = main_worker.read_stdin(stream_route);
      } else {
        result = pool ? pool->take(i) : main_worker.read_input(input);
      }
      finish_input(input, result);
    }
    if (state && i < inputs.size()) {
      // Stopped early: the inputs marked as being read but not read are left for the next run
      // as unfinished (not as inputs a run died on).
      for (std::size_t j = i; j < std::min(inputs.size(), i + window + 1); ++j) {
        state->begin_input();
        state->commit_input(inputs[j].key, 0, inputs[j].mtime_ns, false);
      }
    }
  }

  // 3c. --follow: keep watching until a stop is requested.
  if (control && !delivery.closed() && !control->stop_requested()) {
    LiveRun live{options,
                 delivery,
                 *enricher,
                 *control,
                 [&](Input& input) { return filter.skip(input); },
                 [&](const Input& input, Worker& worker) {
                   if (state) {
                     state->begin_input();
                     state->mark_reading(file_id(input));
                   }
                   InputResult result = worker.read_input(input);
                   finish_input(input, result);
                 },
                 [&](const Input& input, InputResult& result) {
                   if (state) {
                     state->begin_input();
                   }
                   finish_input(input, result); // a followed file records no "read" (key empty)
                 }};
    follow(live, listed, std::move(followed));
  }

  // 5. Deliver what waits, report, pick the exit status. Every input is committed first: a sink
  //    sees only committed alerts. A stopping live run hurries.
  if (state) {
    state->commit_batch();
  }
  const auto delivering = Clock::now();
  if (stop_requested()) {
    delivery.hurry();
  }
  const bool delivered = delivery.finish();
  progress.clear();
  diag::set_before_print({});
  totals.seconds_deliver = seconds_deliver + since(delivering);
  totals.alerts = delivery.handed_out();
  totals.alerts_new = delivery.new_alerts();
  totals.alerts_merged = delivery.merged_alerts();
  totals.repeated_events = delivery.repeated_events();
  totals.alerts_pending = delivery.pending();
  signals.reset(); // a stop from here on ends the process at once, as without --follow
  const bool failed = diag::errored() || !delivered || input_counters.missing > 0;
  if (state) {
    state->prune_events(std::chrono::hours(24 * 90));
    if (const auto cutoff = forget_cutoff(options)) {
      state->forget_files_delivered_before(*cutoff);
    }
    state->finish_run(run_id, failed ? "error" : (totals.alerts > 0 ? "alerts" : "ok"));
  }
  if (options.stats) {
    report_stats();
  }
  if (failed) {
    return k_exit_error;
  }
  // A closed pipe ends the run quietly with the status it would have had so far.
  return totals.alerts > 0 ? k_exit_alerts : k_exit_no_alerts;
}

} // namespace trailwatch
