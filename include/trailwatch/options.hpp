// SPDX-License-Identifier: MIT
// Options: the validated run configuration the CLI layer produces. Nothing past cli.cpp sees
// CLI11; everything past it reads this.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace trailwatch {

enum class Format { text, jsonl };

struct Options {
  // Input
  std::vector<std::string> paths; // "-" is stdin
  unsigned jobs = 1;
  // Memory budget for input data in flight (raw and decoded bytes) across all workers; each of
  // the N workers may hold max_memory / N for its input (README "Bad input").
  std::size_t max_memory = std::size_t{1} << 30;
  bool full_parse = false; // parse every input, even those no record of which can match
  bool follow = false;     // --follow: keep watching the paths after the first scan
  // Rules
  std::vector<std::string> rule_paths;     // empty: default_rule_paths()
  std::string min_level = "informational"; // --min-level
  std::vector<std::string> rule_statuses;  // --status (empty: all but deprecated/unsupported)
  std::vector<std::string> rule_ids;       // --rule
  std::vector<std::string> rule_tags;      // --tag
  // Output
  Format format = Format::text;
  bool include_record = false; // JSON Lines: the whole record in each alert
  bool color = false;
  bool quiet = false;
  bool stats = false;
  bool progress = false;
  int verbosity = 0;
  // GeoIP
  std::vector<std::string> geoip_paths;
  bool no_geoip = false;
  // Slack (the URL is a secret: never printed)
  std::string slack_webhook;
  bool slack_dry_run = false;
  std::size_t slack_digest_threshold = 10;
  std::string slack_template;
  // State and time window
  std::string state_path;
  std::optional<long long> since; // epoch seconds
  std::optional<long long> until;
  // --state-retention: files delivered before this (epoch seconds) are neither read nor kept in
  // the state; empty without the flag.
  std::optional<long long> state_retention_start;
  unsigned dedup_window_minutes = 60;
  unsigned state_wait_seconds = 30; // how long to wait for another run holding the state
};

} // namespace trailwatch
