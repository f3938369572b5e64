// SPDX-License-Identifier: MIT
// SlackTransport: posts JSON payloads to one webhook with libcurl, with pacing, retries and
// redacted error messages. Internal to the Slack sink (src/sink_slack.cpp).
#pragma once

#include "sinks/slack/slack.hpp"

#include <chrono>
#include <memory>
#include <random>
#include <string>
#include <string_view>

namespace trailwatch {

// Runs curl_global_init once per process (main may have done it already). Throws Fatal on failure.
void ensure_curl_global_init();

// What happened to one payload after all attempts.
struct PostOutcome {
  bool delivered = false;
  // The failure concerns the webhook itself (gone, forbidden, redirected, unreachable after all
  // retries): later payloads would fail too, so the caller stops sending.
  bool endpoint_failure = false;
  int attempts = 0;
  // Why it failed: printable, at most a few hundred bytes, never the URL path.
  std::string reason;
};

class SlackTransport {
public:
  // Prepares posting to `url` (already validated) with the timeouts, retry and pacing settings
  // of `config`. Throws Fatal when libcurl cannot be initialised.
  SlackTransport(std::string url, const SlackConfig& config);
  ~SlackTransport();
  SlackTransport(const SlackTransport&) = delete;
  SlackTransport& operator=(const SlackTransport&) = delete;

  // Posts `payload` (JSON), waiting for pacing and retrying 429, 5xx and network errors.
  // Success means HTTP 200 with body "ok". Warns on stderr before each retry.
  PostOutcome post(const std::string& payload);

private:
  using Clock = std::chrono::steady_clock;

  // One HTTP exchange; the classification is left to post().
  struct Attempt {
    int curl_code = 0;
    long status = 0;
    long long retry_after_s = 0;
    std::string body;
    std::string error; // libcurl's error text, scrubbed
  };
  Attempt perform(const std::string& payload);
  // Removes every trace of the webhook URL (whole, path, token) from `text`.
  std::string scrub(std::string text) const;
  void wait_until(Clock::time_point when) const;

  struct Handle;
  std::unique_ptr<Handle> m_handle;
  std::string m_url;
  std::string m_redacted;
  std::string m_path;  // secret part of the URL, for scrub()
  std::string m_token; // last path segment, for scrub()
  SlackConfig m_config;
  Clock::time_point m_not_before{}; // pacing and Retry-After: no post before this
  std::mt19937 m_random;
};

} // namespace trailwatch
