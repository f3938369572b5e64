// SPDX-License-Identifier: MIT
// libcurl delivery of Slack payloads (integrations.md §2.2–2.5 and §3).
//
// One easy handle is reused for every post and retry, so the connection is kept. The handle is
// locked down: https only (plain http only for a literal loopback test server), no redirects
// (a 3xx is a permanent failure), TLS verification left on, no signals, bounded connect and
// total timeouts, FAILONERROR off so Slack's reason ("invalid_payload", "no_service", …) stays
// readable, and never VERBOSE (it would print the secret path).
//
// Outcomes: 200 with body "ok" is delivered. 429 waits Retry-After (libcurl turns an HTTP-date
// into seconds; clamped) and retries. 5xx, timeouts and connection errors retry with
// exponential backoff plus jitter. Everything else is permanent: 400 spoils only this message,
// other 4xx, 3xx and TLS/protocol errors mean the webhook itself is unusable. Retries are few
// on purpose: a timeout after Slack accepted the post turns a retry into a duplicate.
//
// Every message goes through scrub(), which removes the URL, its path and its token even if a
// server or libcurl echoes them; the only form of the URL ever printed is redact_url().
#include "sinks/slack/slack_transport.hpp"

#include "sinks/slack/slack_message.hpp"
#include "trailwatch/diag.hpp"
#include "trailwatch/error.hpp"
#include "util/json_writer.hpp"

#include <algorithm>
#include <cmath>
#include <curl/curl.h>
#include <mutex>
#include <thread>

namespace trailwatch {
namespace {

constexpr std::size_t k_max_response_bytes = 16 * 1024;
constexpr std::size_t k_max_reported_body = 200; // code points of Slack's body in messages

std::once_flag g_curl_once;
CURLcode g_curl_init_result = CURLE_OK;

size_t collect_body(char* data, size_t size, size_t count, void* user) {
  auto* body = static_cast<std::string*>(user);
  const size_t bytes = size * count;
  if (body->size() < k_max_response_bytes) {
    body->append(data, std::min(bytes, k_max_response_bytes - body->size()));
  }
  return bytes; // keep reading (returning less would abort with a write error)
}

// Network problems worth another try; everything else (TLS verification, protocol, URL) is not.
bool is_retryable(CURLcode code) {
  switch (code) {
  case CURLE_COULDNT_RESOLVE_PROXY:
  case CURLE_COULDNT_RESOLVE_HOST:
  case CURLE_COULDNT_CONNECT:
  case CURLE_OPERATION_TIMEDOUT:
  case CURLE_SEND_ERROR:
  case CURLE_RECV_ERROR:
  case CURLE_GOT_NOTHING:
  case CURLE_PARTIAL_FILE:
  case CURLE_SSL_CONNECT_ERROR:
  case CURLE_HTTP2:
  case CURLE_HTTP2_STREAM:
    return true;
  default:
    return false;
  }
}

// Slack bodies that condemn this one message only (integrations.md §2.2): the next one may work.
bool is_message_error(std::string_view body) {
  static constexpr std::string_view k_message_errors[] = {
      "invalid_payload",      "invalid_blocks", "invalid_blocks_format", "no_text",
      "too_many_attachments", "user_not_found", "msg_too_long",          "msg_blocks_too_long"};
  return std::find(std::begin(k_message_errors), std::end(k_message_errors), body) !=
         std::end(k_message_errors);
}

std::string trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) {
    return {};
  }
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

// Slack's reply made safe for one stderr line: valid UTF-8, no control characters, short.
std::string printable_body(std::string_view body) {
  std::string text = util::sanitize_utf8(body.substr(0, 4 * (k_max_reported_body + 1)));
  for (char& c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
      c = ' ';
    }
  }
  text = trim(text);
  return text.empty() ? "(empty body)" : truncate_utf8(text, k_max_reported_body);
}

void replace_all(std::string& text, std::string_view needle, std::string_view with) {
  if (needle.empty()) {
    return;
  }
  for (std::size_t pos = text.find(needle); pos != std::string::npos;
       pos = text.find(needle, pos + with.size())) {
    text.replace(pos, needle.size(), with);
  }
}

} // namespace

void ensure_curl_global_init() {
  std::call_once(g_curl_once, [] { g_curl_init_result = curl_global_init(CURL_GLOBAL_DEFAULT); });
  if (g_curl_init_result != CURLE_OK) {
    throw Fatal(std::string("slack: cannot initialise libcurl: ") +
                curl_easy_strerror(g_curl_init_result));
  }
}

struct SlackTransport::Handle {
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  char error[CURL_ERROR_SIZE] = {};
  std::string body;

  ~Handle() {
    if (easy != nullptr) {
      curl_easy_cleanup(easy);
    }
    curl_slist_free_all(headers);
  }
};

SlackTransport::SlackTransport(std::string url, const SlackConfig& config)
    : m_handle(std::make_unique<Handle>()), m_url(std::move(url)), m_redacted(redact_url(m_url)),
      m_config(config), m_random(std::random_device{}()) {
  ensure_curl_global_init();

  // Remember the secret parts so scrub() can remove them from any message.
  if (CURLU* parts = curl_url(); parts != nullptr) {
    if (curl_url_set(parts, CURLUPART_URL, m_url.c_str(), 0) == CURLUE_OK) {
      char* path = nullptr;
      if (curl_url_get(parts, CURLUPART_PATH, &path, 0) == CURLUE_OK && path != nullptr) {
        m_path = path;
        curl_free(path);
      }
    }
    curl_url_cleanup(parts);
  }
  if (const auto slash = m_path.find_last_of('/'); slash != std::string::npos) {
    m_token = m_path.substr(slash + 1);
  }
  if (m_path.size() < 2) {
    m_path.clear();
  }
  if (m_token.size() < 6) {
    m_token.clear();
  }

  Handle& h = *m_handle;
  h.easy = curl_easy_init();
  if (h.easy == nullptr) {
    throw Fatal("slack: cannot create a libcurl handle");
  }
  h.headers = curl_slist_append(h.headers, "Content-Type: application/json");
  h.headers = curl_slist_append(h.headers, "Expect:");
  if (h.headers == nullptr) {
    throw Fatal("slack: out of memory setting up libcurl");
  }
  const bool loopback = is_loopback_http_url(m_url);
  bool ok = true;
  const auto set = [&](CURLoption option, auto value) {
    ok = ok && curl_easy_setopt(h.easy, option, value) == CURLE_OK;
  };
  set(CURLOPT_URL, m_url.c_str());
  // Plain http only for a literal loopback address (validate_webhook_url checked the rest).
  set(CURLOPT_PROTOCOLS_STR, loopback ? "http,https" : "https");
  set(CURLOPT_REDIR_PROTOCOLS_STR, "https");
  set(CURLOPT_FOLLOWLOCATION, 0L);
  set(CURLOPT_MAXREDIRS, 0L);
  set(CURLOPT_NOSIGNAL, 1L);
  set(CURLOPT_CONNECTTIMEOUT_MS, std::max(1L, m_config.connect_timeout_ms));
  set(CURLOPT_TIMEOUT_MS, std::max(1L, m_config.total_timeout_ms));
  set(CURLOPT_SSL_VERIFYPEER, 1L);
  set(CURLOPT_SSL_VERIFYHOST, 2L);
  set(CURLOPT_FAILONERROR, 0L);
  set(CURLOPT_POST, 1L);
  set(CURLOPT_HTTPHEADER, h.headers);
  set(CURLOPT_USERAGENT, "trailwatch");
  set(CURLOPT_WRITEFUNCTION, collect_body);
  set(CURLOPT_WRITEDATA, static_cast<void*>(&h.body));
  set(CURLOPT_ERRORBUFFER, h.error);
  if (loopback) {
    set(CURLOPT_PROXY, ""); // a proxy from the environment must not see test traffic
  }
  if (!ok) {
    throw Fatal("slack: cannot configure libcurl for " + m_redacted +
                " (libcurl 7.85 or newer is required)");
  }
}

SlackTransport::~SlackTransport() = default;

std::string SlackTransport::scrub(std::string text) const {
  replace_all(text, m_url, m_redacted);
  replace_all(text, m_path, "/\xE2\x80\xA6");
  replace_all(text, m_token, "\xE2\x80\xA6");
  return text;
}

void SlackTransport::wait_until(Clock::time_point when) const {
  if (when > Clock::now()) {
    std::this_thread::sleep_until(when);
  }
}

SlackTransport::Attempt SlackTransport::perform(const std::string& payload) {
  Handle& h = *m_handle;
  h.body.clear();
  h.error[0] = '\0';
  Attempt attempt;
  curl_easy_setopt(h.easy, CURLOPT_POSTFIELDS, payload.c_str());
  curl_easy_setopt(h.easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(payload.size()));
  const CURLcode code = curl_easy_perform(h.easy);
  attempt.curl_code = static_cast<int>(code);
  if (code != CURLE_OK) {
    attempt.error = scrub(h.error[0] != '\0' ? h.error : curl_easy_strerror(code));
    return attempt;
  }
  long status = 0;
  curl_easy_getinfo(h.easy, CURLINFO_RESPONSE_CODE, &status);
  attempt.status = status;
  curl_off_t retry_after = 0;
  if (curl_easy_getinfo(h.easy, CURLINFO_RETRY_AFTER, &retry_after) == CURLE_OK) {
    attempt.retry_after_s = static_cast<long long>(retry_after);
  }
  attempt.body = h.body;
  return attempt;
}

PostOutcome SlackTransport::post(const std::string& payload) {
  const int max_attempts = std::max(1, m_config.max_attempts);
  const auto seconds = [](double s) {
    return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
  };
  const double max_wait = std::max(0.0, m_config.max_retry_after_s);
  PostOutcome outcome;
  for (int number = 1;; ++number) {
    wait_until(m_not_before);
    const Attempt attempt = perform(payload);
    outcome.attempts = number;
    m_not_before = Clock::now() + seconds(std::max(0.0, m_config.min_interval_s));

    std::string reason;
    double retry_in = -1; // < 0: do not retry
    const auto code = static_cast<CURLcode>(attempt.curl_code);
    const std::string body = trim(attempt.body);
    if (code != CURLE_OK) {
      reason = "request to " + m_redacted + " failed: " + attempt.error;
      if (is_retryable(code)) {
        const double base = std::max(0.0, m_config.backoff_base_s);
        std::uniform_real_distribution<double> jitter(0.0, base);
        retry_in =
            std::min(base * std::pow(2.0, number - 1) + jitter(m_random), std::max(max_wait, base));
      }
    } else if (attempt.status == 200 && body == "ok") {
      outcome.delivered = true;
      return outcome;
    } else {
      reason = "HTTP " + std::to_string(attempt.status) + " " + scrub(printable_body(body)) +
               " from " + m_redacted;
      if (attempt.status == 429) {
        // Retry-After in seconds (libcurl also converts an HTTP-date); absent means 0.
        const double lowest = std::min(1.0, max_wait);
        retry_in =
            std::clamp(static_cast<double>(std::max(0LL, attempt.retry_after_s)), lowest, max_wait);
      } else if (attempt.status >= 500) {
        const double base = std::max(0.0, m_config.backoff_base_s);
        std::uniform_real_distribution<double> jitter(0.0, base);
        retry_in =
            std::min(base * std::pow(2.0, number - 1) + jitter(m_random), std::max(max_wait, base));
      } else if (attempt.status >= 300 && attempt.status < 400) {
        reason += " (redirects are not followed)";
      }
    }

    if (retry_in < 0) {
      // Permanent. Only a payload problem leaves the webhook usable for the next message.
      outcome.endpoint_failure =
          code != CURLE_OK || !(attempt.status == 400 || is_message_error(body));
      outcome.reason = std::move(reason);
      return outcome;
    }
    if (number >= max_attempts) {
      outcome.endpoint_failure = true;
      outcome.reason =
          reason + " (after " + std::to_string(number) + (number == 1 ? " attempt)" : " attempts)");
      return outcome;
    }
    diag::warning("slack: {}; retrying in {:.1f} s (attempt {} of {})", reason, retry_in,
                  number + 1, max_attempts);
    m_not_before = std::max(m_not_before, Clock::now() + seconds(retry_in));
  }
}

} // namespace trailwatch
