// SPDX-License-Identifier: MIT
// The scan driver. It reads like the pipeline:
//   1. load rules, open GeoIP databases, build sinks (failures here are fatal);
//   2. expand paths into inputs (sorted, digest/insight folders skipped);
//   3. read inputs on a pool of workers, each with its own decoder and parsers; a worker
//      decodes a whole file, splits documents, copies out wanted records, enriches and matches;
//   4. hand each file's alerts to the sinks in input order (output is identical for any -j);
//      stdin is streamed on the main thread and its alerts are emitted as they are found;
//   5. report --stats and pick the exit status.
#include "pipeline/run.hpp"

#include "enrich/enrich.hpp"
#include "enrich/geoip.hpp"
#include "input/decode.hpp"
#include "input/prefilter.hpp"
#include "input/reader.hpp"
#include "input/source.hpp"
#include "rules/match.hpp"
#include "sinks/sink.hpp"
#include "sinks/slack/slack.hpp"
#include "state/state.hpp"
#include "trailwatch/diag.hpp"
#include "trailwatch/error.hpp"
#include "util/time.hpp"

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <fcntl.h>
#include <functional>
#include <mutex>
#include <optional>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace trailwatch {
namespace {

using Clock = std::chrono::steady_clock;

// What reading one input produced.
struct InputResult {
  std::vector<Alert> alerts;
  ReaderCounters counters;
  std::uint64_t bytes_read = 0;
  std::uint64_t bytes_decoded = 0;
  std::uint64_t outside_window = 0; // wanted records outside --since/--until
  bool prefiltered = false;         // skipped unparsed: no record in it can match
  bool failed = false;              // the input could not be read completely
};

// Everything a worker needs, shared read-only (the enricher is thread-safe).
struct Pipeline {
  const Options& options;
  const Matcher& matcher;
  const Prefilter& prefilter;
  Enricher& enricher;
};

// Reads a whole file into `out` (no zero-fill; a file that grows while it is read is read to
// its end). Reports and returns false on failure.
bool read_file(const std::string& path, Buffer& out) {
  out.clear();
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    diag::error("{}: {}", path, std::strerror(errno));
    return false;
  }
  struct stat st {};
  std::size_t chunk = 1 << 16;
  if (::fstat(fd, &st) == 0 && st.st_size > 0) {
    chunk = static_cast<std::size_t>(st.st_size) + 1; // one read, plus one to see EOF
  }
  for (;;) {
    const ssize_t n = ::read(fd, out.reserve_more(chunk), chunk);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      diag::error("{}: {}", path, std::strerror(errno));
      ::close(fd);
      return false;
    }
    if (n == 0) {
      break;
    }
    out.commit(static_cast<std::size_t>(n));
    chunk = std::max<std::size_t>(1 << 16, out.size() / 2);
  }
  ::close(fd);
  return true;
}

// True when the first byte after white space and a UTF-8 BOM opens a JSON object or array.
bool starts_like_json(std::string_view data) {
  if (data.starts_with("\xEF\xBB\xBF")) {
    data.remove_prefix(3);
  }
  const auto first = data.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && (data[first] == '{' || data[first] == '[');
}

// One worker's reader: a RecordReader whose events are enriched and matched into `sink_to`.
class Worker {
public:
  explicit Worker(const Pipeline& pipeline)
      : m_pipeline(pipeline),
        m_reader([&m = pipeline.matcher](std::string_view name) { return m.wants(name); },
                 [this](Event&& event) { on_event(std::move(event)); }) {}

  // Reads one file completely.
  InputResult read_input(const Input& input) {
    InputResult result;
    m_result = &result;
    const ReaderCounters before = m_reader.counters();
    if (read_file(input.path, m_raw)) {
      result.bytes_read = m_raw.size();
      bool gzip = false;
      const std::string error =
          decode_into(m_raw.view(), m_pipeline.options.max_decoded_bytes, m_decoded, gzip);
      result.bytes_decoded = m_decoded.size();
      m_reader.begin_source(input.path);
      if (!error.empty()) {
        diag::error("{}: {}; reading the {} bytes before it", input.path, error, m_decoded.size());
        result.failed = true;
      }
      if (m_decoded.size() == 0 && error.empty()) {
        diag::warning("{}: empty input", input.path);
      } else if (!starts_like_json(m_decoded.view())) {
        // Not JSON at all (a README or binary file): one line, not one error per "document".
        ++result.counters.skipped_other;
        if (input.named) {
          diag::error("{}: not JSON (does not start with '{{' or '['); skipped", input.path);
          result.failed = true;
        } else {
          diag::warning("{}: not JSON; skipped", input.path);
        }
      } else if (!m_pipeline.prefilter.may_match(m_decoded.view())) {
        result.prefiltered = true; // no record in it can match: not parsed
      } else {
        m_reader.parse(m_decoded.data(), m_decoded.size(), true);
      }
    } else {
      result.failed = true;
    }
    const ReaderCounters after = difference(m_reader.counters(), before);
    result.counters.add(after);
    if (after.errors > 0) {
      result.failed = true;
    }
    m_result = nullptr;
    return result;
  }

  // Streams stdin with bounded memory, emitting alerts through `emit` as they are found.
  InputResult read_stdin(const std::function<void(std::vector<Alert>&)>& emit) {
    InputResult result;
    m_result = &result;
    const ReaderCounters before = m_reader.counters();
    m_reader.begin_source("<stdin>");
    StreamDecoder decoder;
    std::string pending;
    std::size_t threshold = 8u << 20; // parse once this much is buffered (grows for huge docs)
    std::string chunk(1u << 20, '\0');
    bool eof = false;
    while (!eof) {
      const ssize_t n = ::read(STDIN_FILENO, chunk.data(), chunk.size());
      if (n < 0) {
        if (errno == EINTR) {
          continue;
        }
        diag::error("<stdin>: {}", std::strerror(errno));
        result.failed = true;
        eof = true;
      } else if (n == 0) {
        eof = true;
      } else {
        result.bytes_read += static_cast<std::uint64_t>(n);
        if (!decoder.feed(std::string_view(chunk.data(), static_cast<std::size_t>(n)), pending)) {
          diag::error("<stdin>: {}; reading what came before it", decoder.error());
          result.failed = true;
          eof = true;
        }
      }
      if (eof && !decoder.finish(pending)) {
        diag::error("<stdin>: {}", decoder.error());
        result.failed = true;
      }
      if (pending.size() < threshold && !eof) {
        continue;
      }
      ensure_padding(pending);
      const std::size_t consumed = m_reader.parse(pending.data(), pending.size(), eof);
      result.bytes_decoded += consumed;
      pending.erase(0, consumed);
      if (consumed == 0 && pending.size() >= threshold) {
        threshold *= 2; // one document larger than the buffer: let it grow
      }
      if (pending.size() > m_pipeline.options.max_decoded_bytes) {
        diag::error("<stdin>: a single document exceeds {} bytes; stopping",
                    m_pipeline.options.max_decoded_bytes);
        result.failed = true;
        break;
      }
      emit(result.alerts);
      result.alerts.clear();
    }
    result.counters = difference(m_reader.counters(), before);
    if (result.counters.errors > 0) {
      result.failed = true;
    }
    m_result = nullptr;
    return result;
  }

private:
  static ReaderCounters difference(const ReaderCounters& after, const ReaderCounters& before) {
    ReaderCounters d = after;
    d.documents -= before.documents;
    d.records -= before.records;
    d.examined -= before.examined;
    d.skipped_digest -= before.skipped_digest;
    d.skipped_insight -= before.skipped_insight;
    d.skipped_other -= before.skipped_other;
    d.errors -= before.errors;
    return d;
  }

  void on_event(Event&& event) {
    const Options& o = m_pipeline.options;
    if (o.since || o.until) {
      // Records without a readable time are kept: dropping them could hide a launch.
      const auto time = util::parse_rfc3339(event.event_time);
      if (time && ((o.since && *time < *o.since) || (o.until && *time > *o.until))) {
        ++m_result->outside_window;
        return;
      }
    }
    const GeoInfo geo = m_pipeline.enricher.lookup(event.source_ip);
    m_pipeline.matcher.match(event, geo, m_result->alerts);
  }

  const Pipeline& m_pipeline;
  RecordReader m_reader;
  Buffer m_raw;     // the file as read
  Buffer m_decoded; // the file decoded; both reused from file to file
  InputResult* m_result = nullptr;
};

struct Totals {
  std::uint64_t inputs = 0;
  std::uint64_t failed_inputs = 0;
  std::uint64_t bytes_read = 0;
  std::uint64_t bytes_decoded = 0;
  std::uint64_t alerts = 0;
  std::uint64_t outside_window = 0;
  std::uint64_t inputs_skipped_by_time = 0;
  std::uint64_t inputs_prefiltered = 0;
  std::uint64_t inputs_unchanged = 0; // read in an earlier run (--state)
  std::uint64_t alerts_found = 0;     // matches this run
  std::uint64_t alerts_new = 0;       // new outbox alerts (--state)
  std::uint64_t alerts_merged = 0;    // merged into an earlier alert (--state)
  std::uint64_t repeated_events = 0;  // eventIDs seen before (--state)
  ReaderCounters counters;
};

// Progress on a terminal's stderr: inputs and MB done of the total, MB/s and time left,
// redrawn at most five times a second and erased at the end.
class Progress {
public:
  Progress(bool enabled, const std::vector<Input>& inputs) : m_enabled(enabled) {
    for (const auto& input : inputs) {
      m_total_bytes += input.size;
    }
    m_total_inputs = inputs.size();
  }

  void update(std::uint64_t bytes_read) {
    if (!m_enabled) {
      return;
    }
    ++m_done_inputs;
    m_done_bytes += bytes_read;
    const auto now = Clock::now();
    if (now - m_last < std::chrono::milliseconds(200) && m_done_inputs < m_total_inputs) {
      return;
    }
    m_last = now;
    const double seconds = std::chrono::duration<double>(now - m_started).count();
    const double rate = seconds > 0 ? static_cast<double>(m_done_bytes) / seconds : 0;
    const double remaining =
        static_cast<double>(m_total_bytes - std::min(m_total_bytes, m_done_bytes));
    fmt::print(
        stderr, "\r\x1b[Ktrailwatch: {}/{} inputs, {:.0f}/{:.0f} MB, {:.0f} MB/s, {:.0f} s left",
        m_done_inputs, m_total_inputs, static_cast<double>(m_done_bytes) / 1e6,
        static_cast<double>(m_total_bytes) / 1e6, rate / 1e6, rate > 0 ? remaining / rate : 0.0);
    m_drawn = true;
  }

  ~Progress() {
    if (m_drawn) {
      fmt::print(stderr, "\r\x1b[K");
    }
  }

private:
  bool m_enabled;
  bool m_drawn = false;
  std::uint64_t m_total_bytes = 0;
  std::uint64_t m_done_bytes = 0;
  std::size_t m_total_inputs = 0;
  std::size_t m_done_inputs = 0;
  Clock::time_point m_started = Clock::now();
  Clock::time_point m_last{};
};

// Reads file inputs on `jobs` threads and hands results back in input order. At most
// 8 × jobs (at least 16) results wait for their turn: a result holds only alerts, so memory
// stays bounded whatever the input count, and one large file does not idle the other workers.
class OrderedPool {
public:
  OrderedPool(const Pipeline& pipeline, const std::vector<Input>& inputs, unsigned jobs)
      : m_pipeline(pipeline), m_inputs(inputs), m_slots(inputs.size()),
        m_window(std::max(16u, jobs * 8)) {
    for (unsigned i = 0; i < jobs; ++i) {
      m_threads.emplace_back([this] { work(); });
    }
  }

  ~OrderedPool() {
    {
      std::lock_guard lock(m_mutex);
      m_stop = true;
    }
    m_cv.notify_all();
    for (auto& t : m_threads) {
      t.join();
    }
  }

  // Waits for input `index` (a file input) and returns its result.
  InputResult take(std::size_t index) {
    std::unique_lock lock(m_mutex);
    m_cv.wait(lock, [&] { return m_slots[index].has_value(); });
    InputResult result = std::move(*m_slots[index]);
    m_slots[index].reset();
    m_taken = index + 1;
    m_cv.notify_all();
    return result;
  }

private:
  void work() {
    Worker worker(m_pipeline);
    for (;;) {
      std::size_t index;
      {
        std::unique_lock lock(m_mutex);
        m_cv.wait(lock, [&] {
          return m_stop || m_next >= m_inputs.size() || m_next < m_taken + m_window;
        });
        if (m_stop || m_next >= m_inputs.size()) {
          return;
        }
        index = m_next++;
      }
      InputResult result;
      if (!m_inputs[index].is_stdin) {
        result = worker.read_input(m_inputs[index]);
      }
      {
        std::lock_guard lock(m_mutex);
        m_slots[index] = std::move(result);
      }
      m_cv.notify_all();
    }
  }

  const Pipeline& m_pipeline;
  const std::vector<Input>& m_inputs;
  std::vector<std::optional<InputResult>> m_slots;
  std::size_t m_window;
  std::size_t m_next = 0;
  std::size_t m_taken = 0;
  bool m_stop = false;
  std::mutex m_mutex;
  std::condition_variable m_cv;
  std::vector<std::thread> m_threads;
};

std::unique_ptr<Enricher> make_enricher(const Options& options) {
  if (options.no_geoip) {
    return make_classifying_enricher();
  }
  GeoipConfig config;
  config.paths = options.geoip_paths;
  return make_geoip_enricher(config);
}

std::vector<std::unique_ptr<Sink>> make_sinks(const Options& options) {
  std::vector<std::unique_ptr<Sink>> sinks;
  if (!options.quiet) {
    if (options.format == Format::jsonl) {
      sinks.push_back(make_jsonl_sink(stdout, options.include_record));
    } else {
      sinks.push_back(make_text_sink(stdout, options.color));
    }
  }
  if (!options.slack_webhook.empty() || options.slack_dry_run) {
    SlackConfig config;
    config.webhook_url = options.slack_webhook;
    config.dry_run = options.slack_dry_run;
    config.digest_threshold = options.slack_digest_threshold;
    config.template_path = options.slack_template;
    sinks.push_back(make_slack_sink(config, stdout));
  }
  return sinks;
}

void print_stats(const Totals& t, const InputCounters& inputs, double seconds, bool stateful) {
  const double mb = static_cast<double>(t.bytes_decoded) / 1e6;
  const auto& c = t.counters;
  fmt::print(stderr,
             "trailwatch: stats: inputs {} (failed {}, missing {}, not opened for --since {}, "
             "not parsed as no record can match {}), bytes read {}, decoded {}\n",
             t.inputs, t.failed_inputs, inputs.missing, t.inputs_skipped_by_time,
             t.inputs_prefiltered, t.bytes_read, t.bytes_decoded);
  fmt::print(stderr,
             "trailwatch: stats: documents {}, records {}, examined {}, outside time window {}, "
             "skipped: digest {} insight {} other {} (files: digest {} insight {} other {}), "
             "errors {}\n",
             c.documents, c.records, c.examined, t.outside_window, c.skipped_digest,
             c.skipped_insight, c.skipped_other, inputs.skipped_digest_files,
             inputs.skipped_insight_files, inputs.skipped_other_files, c.errors);
  if (stateful) {
    fmt::print(stderr,
               "trailwatch: stats: state: inputs unchanged since an earlier run {}, matches {}, "
               "repeated events {}, new alerts {}, merged into earlier alerts {}\n",
               t.inputs_unchanged, t.alerts_found, t.repeated_events, t.alerts_new,
               t.alerts_merged);
  }
  fmt::print(stderr, "trailwatch: stats: alerts {}, time {:.3f} s, throughput {:.1f} MB/s\n",
             t.alerts, seconds, seconds > 0 ? mb / seconds : 0.0);
}

// Where the alerts of each input go. Without --state: straight to the sinks, in input order.
// With --state: into the state, in the same transaction that marks the input read (repeated
// eventIDs dropped, repeats of rule + actor + account within the window merged into one alert
// with a count); the sinks then get the state's undelivered alerts at the end of the run, and
// each alert is marked delivered only when its sink confirms it.
class AlertRouter {
public:
  AlertRouter(std::vector<std::unique_ptr<Sink>>& sinks, State* state, const Options& options)
      : m_sinks(sinks), m_state(state), m_window(options.dedup_window_minutes) {}

  // Takes the alerts of the current input. With a state, an input transaction must be open.
  void route(std::vector<Alert>& alerts) {
    if (m_state == nullptr) {
      for (const auto& alert : alerts) {
        for (auto& sink : m_sinks) {
          sink->add(alert);
        }
      }
      m_handed_out += alerts.size();
      return;
    }
    // Alerts of one event are adjacent (one per matching rule): ask about each event once.
    const Event* last_event = nullptr;
    bool first = true;
    for (const auto& alert : alerts) {
      if (last_event == nullptr || alert.event.event_id != last_event->event_id ||
          alert.event.origin.record != last_event->origin.record) {
        first = m_state->first_sighting(alert.event.event_id, alert.event.event_time);
        last_event = &alert.event;
        m_repeated_events += first ? 0 : 1;
      }
      if (first) {
        ++m_recorded_alerts;
        m_new_alerts += m_state->add_alert(alert, m_window) ? 1 : 0;
      }
    }
  }

  // With a state: hands every undelivered alert (this run's and earlier runs') to the sinks.
  // The first sink that can confirm delivery (Slack when configured, else stdout) marks them.
  void deliver_outbox() {
    if (m_state == nullptr) {
      return;
    }
    std::vector<PendingAlert> pending = m_state->pending_alerts();
    Sink* confirming = m_sinks.empty() ? nullptr : m_sinks.back().get();
    if (confirming != nullptr) {
      confirming->on_delivered = [this](const Alert& alert) {
        m_state->mark_delivered(alert.outbox_id);
      };
    }
    for (auto& item : pending) {
      item.alert.outbox_id = item.id;
      for (auto& sink : m_sinks) {
        sink->add(item.alert);
      }
      if (confirming == nullptr) {
        m_state->mark_delivered(item.id); // -q and no Slack: nowhere to deliver, nothing to retry
      }
    }
    m_handed_out += pending.size();
  }

  std::uint64_t handed_out() const { return m_handed_out; }
  std::uint64_t new_alerts() const { return m_new_alerts; }
  std::uint64_t merged_alerts() const { return m_recorded_alerts - m_new_alerts; }
  std::uint64_t repeated_events() const { return m_repeated_events; }

private:
  std::vector<std::unique_ptr<Sink>>& m_sinks;
  State* m_state;
  std::chrono::minutes m_window;
  std::uint64_t m_handed_out = 0;
  std::uint64_t m_new_alerts = 0;      // outbox rows made
  std::uint64_t m_recorded_alerts = 0; // alerts of first-seen events given to the state
  std::uint64_t m_repeated_events = 0;
};

} // namespace

int run_scan(const Options& options) {
  const auto started = Clock::now();

  // 1. Rules, enrichment, sinks and state: any failure here stops the run before reading.
  const Matcher matcher(
      load_rules(options.rule_paths.empty() ? default_rule_paths() : options.rule_paths));
  auto enricher = make_enricher(options);
  auto sinks = make_sinks(options);
  std::unique_ptr<State> state;
  std::int64_t run_id = 0;
  if (!options.state_path.empty()) {
    state = State::open(options.state_path, std::chrono::seconds(options.state_wait_seconds));
    run_id = state->begin_run();
  }

  // 2. Inputs: expanded, minus files delivered before --since and files the state has read.
  InputCounters input_counters;
  std::vector<Input> inputs = expand_inputs(options.paths, input_counters);
  std::uint64_t skipped_by_time = 0;
  std::uint64_t skipped_unchanged = 0;
  std::erase_if(inputs, [&](const Input& input) {
    if (input.is_stdin) {
      return false;
    }
    if (options.since) {
      // A log file holds only events from before its delivery time (the stamp in its name, or
      // its day folder), so a file delivered before --since cannot hold a relevant event. The
      // hour of margin covers the stamp's minute resolution; late events are in later files.
      const auto delivered = util::delivery_time_from_path(input.path);
      if (delivered && *delivered + 3600 < *options.since) {
        ++skipped_by_time;
        return true;
      }
    }
    if (state && state->file_done(input.path, input.size, input.mtime_ns)) {
      ++skipped_unchanged;
      return true;
    }
    return false;
  });

  // 3 + 4. Read, match, route in input order.
  const Prefilter prefilter(matcher.event_names(), !matcher.wants_all() && !options.full_parse);
  const Pipeline pipeline{options, matcher, prefilter, *enricher};
  Totals totals;
  totals.inputs_skipped_by_time = skipped_by_time;
  totals.inputs_unchanged = skipped_unchanged;
  AlertRouter router(sinks, state.get(), options);
  auto route = [&](std::vector<Alert>& alerts) {
    router.route(alerts);
    totals.alerts_found += alerts.size();
  };
  auto account = [&](const InputResult& result) {
    ++totals.inputs;
    totals.failed_inputs += result.failed ? 1 : 0;
    totals.bytes_read += result.bytes_read;
    totals.bytes_decoded += result.bytes_decoded;
    totals.counters.add(result.counters);
    totals.outside_window += result.outside_window;
    totals.inputs_prefiltered += result.prefiltered ? 1 : 0;
  };
  {
    const unsigned jobs = std::max(1u, std::min<unsigned>(options.jobs, inputs.size()));
    std::optional<OrderedPool> pool;
    if (jobs > 1) {
      pool.emplace(pipeline, inputs, jobs);
    }
    Worker main_worker(pipeline);
    // Progress only for files: a stdin stream has no known size.
    Progress progress(options.progress && std::none_of(inputs.begin(), inputs.end(),
                                                       [](const Input& in) { return in.is_stdin; }),
                      inputs);
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      const Input& input = inputs[i];
      if (state) {
        state->begin_input();
      }
      InputResult result;
      if (input.is_stdin) {
        if (pool) {
          pool->take(i); // keep the pool's window moving past the stdin slot
        }
        result = main_worker.read_stdin(route);
      } else {
        result = pool ? pool->take(i) : main_worker.read_input(input);
      }
      route(result.alerts);
      if (state) {
        // Alerts and "this file is read" commit together, before any sink sees them. A file
        // that failed half-way is not marked read, so the next run reads it again.
        // The size recorded is what was read: a file that grew after it was listed is then
        // read again next run (its repeated events are dropped by eventID).
        state->commit_input(input.is_stdin ? std::string() : input.path, result.bytes_read,
                            input.mtime_ns, !result.failed);
      }
      account(result);
      progress.update(result.bytes_read);
    }
  }

  // 5. Deliver (with a state: everything still undelivered), report, pick the exit status.
  router.deliver_outbox();
  bool delivered = true;
  for (auto& sink : sinks) {
    delivered = sink->finish() && delivered;
  }
  totals.alerts = router.handed_out();
  totals.alerts_new = router.new_alerts();
  totals.alerts_merged = router.merged_alerts();
  totals.repeated_events = router.repeated_events();
  const bool failed = diag::errored() || !delivered || input_counters.missing > 0;
  if (state) {
    state->prune_events(std::chrono::hours(24 * 90));
    state->finish_run(run_id, failed ? "error" : (totals.alerts > 0 ? "alerts" : "ok"));
  }
  if (options.stats) {
    print_stats(totals, input_counters,
                std::chrono::duration<double>(Clock::now() - started).count(), state != nullptr);
  }
  if (failed) {
    return k_exit_error;
  }
  return totals.alerts > 0 ? k_exit_alerts : k_exit_no_alerts;
}

} // namespace trailwatch
