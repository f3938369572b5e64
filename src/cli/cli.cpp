// SPDX-License-Identifier: MIT
#include "cli/cli.hpp"

#include "cli/rules_commands.hpp"
#include "cli/version.hpp"
#include "enrich/geoip.hpp"
#include "pipeline/run.hpp"
#include "rules/match.hpp"
#include "rules/rule.hpp"
#include "sinks/slack/slack.hpp"
#include "state/state.hpp"
#include "trailwatch/diag.hpp"
#include "trailwatch/error.hpp"
#include "trailwatch/options.hpp"
#include "util/core_dumps.hpp"
#include "util/text.hpp"
#include "util/time.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <charconv>
#include <csignal>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fmt/format.h>
#include <thread>
#include <unistd.h>

namespace trailwatch {
namespace {

constexpr const char* k_examples = R"(
Examples:
  trailwatch AWSLogs/                          scan an `aws s3 sync` folder (recursive)
  zcat *.json.gz | trailwatch                  read CloudTrail from stdin
  trailwatch --format jsonl trail.json.gz      one JSON object per alert
  trailwatch --follow --state tw.db AWSLogs/   keep watching a synced folder (live)
  trailwatch --geoip GeoLite2-City.mmdb ct/    use MaxMind's city database
  TRAILWATCH_SLACK_WEBHOOK=https://hooks.slack.com/services/... trailwatch ct/
  trailwatch rules lint rules/                 check rules without scanning

Exit status: 0 alerts found, 1 no alerts, 2 an error (bad input file, undelivered alert,
bad options or rules). A bad file is reported and the rest is still read.
)";

// Raw flags as CLI11 fills them; validated into Options by build_options().
struct RawFlags {
  std::vector<std::string> paths;
  std::vector<std::string> rules;
  std::vector<std::string> packs;
  std::string min_level = "informational";
  std::string status;
  std::vector<std::string> rule_ids;
  std::vector<std::string> tags;
  std::string format = "text";
  bool include_record = false;
  std::string color = "auto";
  bool quiet = false;
  bool stats = false;
  int verbose = 0;
  unsigned jobs = 0;
  bool full_parse = false;
  bool follow = false;
  std::string max_memory = "1G";
  bool version = false;
  std::vector<std::string> geoip;
  bool no_geoip = false;
  std::string slack_webhook;
  std::string slack_webhook_file;
  bool slack_dry_run = false;
  std::size_t slack_digest = 10;
  std::string slack_template;
  std::string since;
  std::string until;
  std::string state;
  std::string state_retention;
  unsigned dedup_window = 60;
  unsigned state_wait = 30;
};

// "1G", "512M", "64k", "1048576": a byte count with an optional binary suffix (K, M, G).
std::size_t parse_size(std::string_view flag, const std::string& text) {
  std::size_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  std::string_view suffix(end, static_cast<std::size_t>(text.data() + text.size() - end));
  int shift = -1;
  if (suffix.empty() || suffix == "B" || suffix == "b") {
    shift = 0;
  } else if (suffix == "K" || suffix == "k" || suffix == "KiB") {
    shift = 10;
  } else if (suffix == "M" || suffix == "m" || suffix == "MiB") {
    shift = 20;
  } else if (suffix == "G" || suffix == "g" || suffix == "GiB") {
    shift = 30;
  }
  if (ec != std::errc() || shift < 0 || value == 0 || value > (std::size_t{1} << (62 - shift))) {
    throw Fatal(fmt::format("{}: expected a size such as 512M or 2G, got '{}'", flag, text));
  }
  const std::size_t bytes = value << shift;
  if (bytes < (std::size_t{16} << 20)) {
    throw Fatal(fmt::format("{}: at least 16M, got '{}'", flag, text));
  }
  return bytes;
}

Options build_options(const RawFlags& raw) {
  Options options;
  options.paths = raw.paths;
  if (options.paths.empty()) {
    if (isatty(STDIN_FILENO)) {
      throw Fatal("no input: give files or folders, or pipe CloudTrail JSON to stdin (see --help)");
    }
    options.paths.push_back("-");
  }
  options.rule_paths = raw.rules;
  if (!raw.packs.empty() && options.rule_paths.empty()) {
    options.rule_paths = default_rule_paths(); // a pack adds to the shipped rules
  }
  for (const auto& pack : raw.packs) {
    options.rule_paths.push_back(pack_rule_path(pack));
  }
  if (!parse_level(raw.min_level)) {
    throw Fatal(fmt::format("--min-level: '{}' is not a level (informational, low, medium, high, "
                            "critical)",
                            raw.min_level));
  }
  options.min_level = raw.min_level;
  if (raw.status == "all") {
    options.rule_statuses = {"stable", "test", "experimental", "deprecated", "unsupported", ""};
  } else if (!raw.status.empty()) {
    for (std::size_t start = 0; start <= raw.status.size();) {
      const auto comma = std::min(raw.status.find(',', start), raw.status.size());
      options.rule_statuses.push_back(raw.status.substr(start, comma - start));
      start = comma + 1;
    }
  }
  options.rule_ids = raw.rule_ids;
  options.rule_tags = raw.tags;
  options.full_parse = raw.full_parse;
  options.follow = raw.follow;
  if (options.follow &&
      std::find(options.paths.begin(), options.paths.end(), "-") != options.paths.end()) {
    throw Fatal("--follow watches files and folders; stdin is always read live (drop --follow "
                "or the '-')");
  }
  options.max_memory = parse_size("--max-memory", raw.max_memory);
  options.state_path = raw.state;
  options.dedup_window_minutes = raw.dedup_window;
  options.state_wait_seconds = raw.state_wait;
  const long long now = static_cast<long long>(std::time(nullptr));
  auto time_flag = [now](std::string_view flag,
                         const std::string& text) -> std::optional<long long> {
    if (text.empty()) {
      return std::nullopt;
    }
    if (auto parsed = util::parse_time_arg(text, now)) {
      return parsed;
    }
    throw Fatal(
        fmt::format("{}: expected an RFC 3339 time or a duration like 24h, got '{}'", flag, text));
  };
  options.since = time_flag("--since", raw.since);
  options.until = time_flag("--until", raw.until);
  if (options.since && options.until && *options.since > *options.until) {
    throw Fatal("--since is later than --until");
  }
  if (!raw.state_retention.empty()) {
    // A duration only: "now minus a time" is what --since is for.
    const auto start = util::parse_time_arg(raw.state_retention, now);
    if (!start || util::parse_rfc3339(raw.state_retention)) {
      throw Fatal(fmt::format("--state-retention: expected a duration like 30d or 12w, got '{}'",
                              raw.state_retention));
    }
    if (raw.state.empty()) {
      throw Fatal("--state-retention says how long the state remembers files; use it with --state");
    }
    options.state_retention_start = start;
  }
  options.format = raw.format == "jsonl" ? Format::jsonl : Format::text;
  options.include_record = raw.include_record;
  if (raw.include_record && options.format != Format::jsonl) {
    throw Fatal(
        "--include-record adds the record to JSON Lines output; use it with --format jsonl");
  }
  const bool tty = isatty(STDOUT_FILENO) != 0;
  options.color =
      raw.color == "always" || (raw.color == "auto" && tty && std::getenv("NO_COLOR") == nullptr);
  options.quiet = raw.quiet;
  options.stats = raw.stats;
  options.progress = !raw.quiet && isatty(STDERR_FILENO) != 0;
  options.verbosity = raw.verbose;
  options.jobs = raw.jobs == 0 ? std::max(1u, std::thread::hardware_concurrency()) : raw.jobs;
  options.geoip_paths = raw.geoip;
  options.no_geoip = raw.no_geoip;
  if (raw.no_geoip && !raw.geoip.empty()) {
    throw Fatal("--geoip and --no-geoip contradict each other");
  }
  options.slack_dry_run = raw.slack_dry_run;
  options.slack_digest_threshold = raw.slack_digest;
  options.slack_template = raw.slack_template;
  if (!raw.slack_webhook.empty() || !raw.slack_webhook_file.empty() ||
      std::getenv(k_slack_webhook_env) != nullptr) {
    options.slack_webhook = resolve_webhook_url(raw.slack_webhook, raw.slack_webhook_file);
    // The URL is a secret: no core file may hold it (a crash once wrote it 8 times).
    if (util::forbid_core_dumps()) {
      diag::debug(1, "webhook configured: the process is not dumpable (no core file)");
    } else {
      diag::warning("could not make the process non-dumpable; a core file could hold the "
                    "webhook URL");
    }
  }
  if (options.slack_dry_run && options.format == Format::jsonl && !options.quiet) {
    throw Fatal("--slack-dry-run prints payloads on stdout; use it with -q or text output");
  }
  return options;
}

int show_state(const std::string& path, unsigned wait_seconds) {
  if (!std::filesystem::exists(path)) {
    throw Fatal(fmt::format("state file {}: does not exist", path));
  }
  const auto state = State::open(path, std::chrono::seconds(wait_seconds));
  const StateSummary s = state->summary();
  fmt::print("state file       {}\n", s.path);
  fmt::print("schema version   {}\n", s.schema_version);
  fmt::print("files read       {}\n", s.files);
  fmt::print("events kept      {} (eventIDs of alerting events, for de-duplication)\n", s.events);
  fmt::print("alerts           {} ({} delivered, {} pending)\n", s.alerts, s.delivered, s.pending);
  fmt::print("last run         {} → {} ({})\n",
             s.last_run_started.empty() ? "-" : s.last_run_started,
             s.last_run_finished.empty() ? "-" : s.last_run_finished,
             s.last_run_status.empty() ? "-" : s.last_run_status);
  for (const auto& suspect : state->suspect_files()) {
    const bool quarantined = suspect.attempts >= State::k_quarantine_attempts;
    fmt::print("{}  {} (runs died reading it: {}, since {}){}\n",
               quarantined ? "quarantined    " : "retry pending  ",
               util::printable(suspect.file.path), suspect.attempts, suspect.since,
               quarantined ? "; not read again until it changes" : "");
  }
  for (const auto& pending : state->pending_alerts()) {
    const Alert& a = pending.alert;
    fmt::print("pending #{}      {} {} {} {} ×{} ({})\n", pending.id, a.event.event_time,
               level_name(a.level), a.rule_title, util::printable(a.event.actor), a.count,
               a.event.event_id);
  }
  return 0;
}

} // namespace

int run_cli(int argc, char** argv) {
  CLI::App app{"trailwatch: find cryptominer-style EC2 launches in CloudTrail logs", "trailwatch"};
  app.footer(k_examples);
  app.get_formatter()->column_width(34);
  RawFlags raw;

  app.add_option("PATH", raw.paths,
                 "CloudTrail files or folders (.json or .json.gz, any shape); '-' or nothing "
                 "with piped input reads stdin")
      ->group("Input");
  app.add_option("--since", raw.since,
                 "Only events at or after this time: RFC 3339 (2026-11-27T00:00:00Z) or a "
                 "duration ago (90m, 24h, 7d)")
      ->group("Input");
  app.add_option("--until", raw.until, "Only events at or before this time (same forms)")
      ->group("Input");
  app.add_option("-j,--jobs", raw.jobs, "Files read in parallel (default: all cores)")
      ->group("Input");
  app.add_option("--max-memory", raw.max_memory,
                 "Memory budget for input data in flight, shared by the workers (default 1G); "
                 "an input or stdin document beyond its share is reported and skipped")
      ->group("Input");
  app.add_flag("--full-parse", raw.full_parse,
               "Parse every input, even one whose bytes show no record can match (exact record "
               "counts in --stats, syntax errors reported everywhere)")
      ->group("Input");

  app.add_flag("--follow", raw.follow,
               "Keep running: read files as they land in the folders, follow named files like "
               "tail -F (SIGTERM stops, SIGHUP reloads rules, SIGUSR1 prints --stats)")
      ->group("Input");

  app.add_option("--rules", raw.rules,
                 "Rules file or folder, repeatable (default: installed rules)")
      ->allow_extra_args(false)
      ->group("Rules");
  app.add_option("--pack", raw.packs,
                 "Also run a rule pack shipped with trailwatch, repeatable: attack (the steps "
                 "around a stolen key's launches)")
      ->allow_extra_args(false)
      ->group("Rules");
  app.add_option("--min-level", raw.min_level,
                 "Run only rules of this level or above (default informational: all)")
      ->group("Rules");
  app.add_option("--status", raw.status,
                 "Rule statuses to run, comma-separated, or 'all' (default: all but deprecated "
                 "and unsupported)")
      ->group("Rules");
  app.add_option("--rule", raw.rule_ids, "Run only this rule id (repeatable)")
      ->allow_extra_args(false)
      ->group("Rules");
  app.add_option("--tag", raw.tags, "Run only rules with this tag, e.g. attack.t1496 (repeatable)")
      ->allow_extra_args(false)
      ->group("Rules");

  app.add_option("--format", raw.format, "Output format: text or jsonl")
      ->check(CLI::IsMember({"text", "jsonl"}))
      ->group("Output");
  app.add_flag("--include-record", raw.include_record,
               "With --format jsonl: add the whole CloudTrail record to each alert (\"record\")")
      ->group("Output");
  app.add_option("--color", raw.color, "Colour: auto, always or never")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->group("Output");
  app.add_flag("-q,--quiet", raw.quiet, "Print no alerts on stdout (errors still go to stderr)")
      ->group("Output");
  app.add_flag("--stats", raw.stats, "Print counters and throughput to stderr at the end")
      ->group("Output");
  app.add_flag("-v,--verbose", raw.verbose, "More diagnostics on stderr (repeatable)")
      ->group("Output");
  app.add_flag("-V,--version", raw.version, "Print version, libraries and GeoIP databases")
      ->group("Output");

  app.add_option("--geoip", raw.geoip,
                 "GeoIP .mmdb file or folder, repeatable (default: TRAILWATCH_GEOIP, then the "
                 "data folder and /usr/share/GeoIP, /var/lib/GeoIP, ...)")
      ->allow_extra_args(false)
      ->group("GeoIP");
  app.add_flag("--no-geoip", raw.no_geoip, "Do not look up countries or ASNs")->group("GeoIP");

  app.add_option("--slack-webhook", raw.slack_webhook,
                 "Slack incoming webhook URL (prefer TRAILWATCH_SLACK_WEBHOOK: argv shows in ps)")
      ->group("Slack");
  app.add_option("--slack-webhook-file", raw.slack_webhook_file, "File holding the webhook URL")
      ->group("Slack");
  app.add_flag("--slack-dry-run", raw.slack_dry_run, "Print the Slack payloads instead of posting")
      ->group("Slack");
  app.add_option("--slack-digest", raw.slack_digest,
                 "More alerts than this in one run are sent as a digest (0: never; default 10)")
      ->group("Slack");
  app.add_option("--slack-template", raw.slack_template,
                 "Message template file with $field$ placeholders")
      ->group("Slack");

  app.add_option("--state", raw.state,
                 "SQLite state file: remember files read, events and alerts seen, and alerts "
                 "not yet delivered (for cron runs)")
      ->group("State");
  app.add_option("--dedup-window", raw.dedup_window,
                 "With --state: minutes within which the same rule + actor + account is one "
                 "alert with a count (default 60)")
      ->group("State");
  app.add_option("--state-retention", raw.state_retention,
                 "With --state: remember read files for this long (30d, 12w) and read none "
                 "delivered earlier (default: as long as --since reaches, else forever)")
      ->group("State");
  app.add_option("--state-wait", raw.state_wait,
                 "With --state: seconds to wait for another run holding the state (default 30)")
      ->group("State");

  std::string state_show_path;
  auto* state_cmd = app.add_subcommand("state", "Show what a state file holds");
  state_cmd->add_option("FILE", state_show_path, "The state file")->required();

  auto* rules_cmd = app.add_subcommand("rules", "Rule tools (lint, list, test)");
  rules_cmd->require_subcommand(1);
  std::vector<std::string> lint_paths;
  auto* lint_cmd = rules_cmd->add_subcommand("lint", "Check rules and watch lists; scan nothing");
  lint_cmd->add_option("PATH", lint_paths, "Rules files or folders (default: installed rules)");
  std::vector<std::string> list_paths;
  auto* list_cmd = rules_cmd->add_subcommand("list", "List the loaded rules and watch lists");
  list_cmd->add_option("PATH", list_paths, "Rules files or folders (default: installed rules)");
  std::vector<std::string> test_paths;
  bool require_samples = false;
  auto* test_cmd = rules_cmd->add_subcommand(
      "test", "Run each rule's sample records and check its verdict (fire or quiet)");
  test_cmd->add_option("PATH", test_paths,
                       "Rules and test files or folders (default: installed rules)");
  test_cmd->add_flag("--require-samples", require_samples,
                     "Fail when a rule lacks a firing or a quiet sample");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) {
      return app.exit(e); // --help
    }
    diag::error_text(fmt::format("{}\nRun 'trailwatch --help' for usage.", e.what()));
    return k_exit_error;
  }
  diag::set_verbosity(raw.verbose);

  if (*state_cmd) {
    return show_state(state_show_path, raw.state_wait);
  }
  if (*lint_cmd) {
    return rules_lint(lint_paths);
  }
  if (*list_cmd) {
    return rules_list(list_paths);
  }
  if (*test_cmd) {
    return rules_test(test_paths, require_samples);
  }
  if (raw.version) {
    std::vector<DatabaseInfo> databases;
    if (!raw.no_geoip) {
      GeoipConfig config;
      config.paths = raw.geoip;
      databases = make_geoip_enricher(config)->databases();
    }
    std::fputs(version_text(databases).c_str(), stdout);
    return 0;
  }
  const Options options = build_options(raw);
  if (!options.slack_webhook.empty()) {
    // libcurl with CURLOPT_NOSIGNAL no longer ignores SIGPIPE for us.
    std::signal(SIGPIPE, SIG_IGN);
  }
  return run_scan(options);
}

} // namespace trailwatch
