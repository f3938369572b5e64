// SPDX-License-Identifier: MIT
// Slack sink: posts alerts to a Slack incoming webhook (integrations.md §2).
//
// The webhook URL is a secret: it comes from a flag, TRAILWATCH_SLACK_WEBHOOK or a 0600 file,
// and is never printed. Messages show at most redact_url(url) ("https://hooks.slack.com/…").
#pragma once

#include "sinks/sink.hpp"

#include <cstddef>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

namespace trailwatch {

// Name of the environment variable that may hold the webhook URL.
inline constexpr const char* k_slack_webhook_env = "TRAILWATCH_SLACK_WEBHOOK";

// Configuration of the Slack sink. Times are in milliseconds (`_ms`) or seconds (`_s`).
struct SlackConfig {
  std::string webhook_url; // secret: never print it, use redact_url()
  bool dry_run = false;    // print payloads instead of posting them
  // More alerts than this gathered at once (a burst) → one digest message (0 = never digest).
  std::size_t digest_threshold = 10;
  // How long alerts may gather after the oldest waiting one arrived before a round is posted
  // (a burst under way is then seen whole); the final flush does not wait for it.
  long gather_ms = 500;
  std::string template_path; // optional user template file (see slack_message.hpp)
  long connect_timeout_ms = 5000;
  long total_timeout_ms = 15000; // per attempt
  int max_attempts = 4;          // per message, including the first post
  double min_interval_s = 1.0;   // pacing: at least this long between two posts
  double max_retry_after_s = 60; // 429 Retry-After is clamped to [1, this] (to this when < 1)
  double backoff_base_s = 0.5;   // 5xx/network retry n waits base * 2^(n-1) + jitter in [0, base)
};

// Creates the Slack sink. `dry_run_out` receives one JSON payload per line when
// `config.dry_run` (stdout when null). Throws Fatal for an invalid URL (unless dry-run and the
// URL is empty) or an invalid template. Alerts are posted from a delivery thread as soon as a
// flush() hands them over (add() and flush(false) never wait for Slack): one message per alert,
// or one digest when more than `config.digest_threshold` gathered at once. flush() reports every
// alert Slack confirmed since the last flush (never in dry-run mode); flush(true) waits until
// every handed-over alert was posted or reported.
std::unique_ptr<Sink> make_slack_sink(const SlackConfig& config, std::FILE* dry_run_out);

// Returns "scheme://host[:port]/…" for `url`: safe to print (no user info, path or query).
std::string redact_url(std::string_view url);

// Throws Fatal unless `url` is an https URL, or an http URL whose host is a literal loopback
// address (127.0.0.0/8 or [::1], for local test servers). The message never holds the path.
void validate_webhook_url(std::string_view url);

// True when `url` is http:// to a literal loopback address (the only case plain http is used).
bool is_loopback_http_url(std::string_view url);

// Picks the webhook URL: `flag_value` when not empty, else $TRAILWATCH_SLACK_WEBHOOK when set and
// not empty, else the contents of the file `file_path` (whitespace trimmed; a warning when the
// file is readable by group or others) when `file_path` is not empty. Returns "" when none is
// given. Throws Fatal when the file cannot be read or the chosen URL is invalid.
std::string resolve_webhook_url(std::string_view flag_value, std::string_view file_path);

} // namespace trailwatch
