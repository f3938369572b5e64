// SPDX-License-Identifier: MIT
// The Slack sink: posts alerts from a delivery thread, one message each or one digest per burst.
// Also the webhook URL helpers: where the URL comes from, which URLs are allowed, and the only
// form of it that may be printed (redact_url).
//
// Delivery policy: when the webhook itself fails (gone, forbidden, redirected, or unreachable
// after all retries) the remaining alerts of the run are not sent, so a dead webhook costs a few
// attempts instead of a few per alert; a 400 (bad payload) only fails that message. Every alert
// that was not delivered gets its own error line, and flush() confirms only alerts
// Slack confirmed with "ok" (for a digest: every alert it covers).
#include "sinks/slack/slack.hpp"
#include "sinks/slack/slack_message.hpp"
#include "sinks/slack/slack_transport.hpp"
#include "trailwatch/diag.hpp"
#include "trailwatch/error.hpp"
#include "util/json_writer.hpp"
#include "util/net.hpp"

#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <curl/curl.h>
#include <fcntl.h>
#include <mutex>
#include <span>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>
#include <utility>
#include <vector>

namespace trailwatch {
namespace {

constexpr std::string_view k_unprintable_url = "(webhook URL)";
constexpr off_t k_max_webhook_file_bytes = 8192;

std::string trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n\v\f");
  if (first == std::string_view::npos) {
    return {};
  }
  const auto last = text.find_last_not_of(" \t\r\n\v\f");
  return std::string(text.substr(first, last - first + 1));
}

// Scheme and host of `url` as libcurl parses them (host of IPv6 without brackets).
struct UrlParts {
  bool ok = false;
  std::string scheme;
  std::string host;
};

UrlParts parse_url(std::string_view url) {
  ensure_curl_global_init();
  UrlParts result;
  CURLU* handle = curl_url();
  if (handle == nullptr) {
    return result;
  }
  const std::string copy(url);
  if (curl_url_set(handle, CURLUPART_URL, copy.c_str(), 0) == CURLUE_OK) {
    char* scheme = nullptr;
    char* host = nullptr;
    if (curl_url_get(handle, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
        curl_url_get(handle, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
      result.ok = true;
      result.scheme = scheme;
      result.host = host;
      if (result.host.size() >= 2 && result.host.front() == '[' && result.host.back() == ']') {
        result.host = result.host.substr(1, result.host.size() - 2);
      }
    }
    curl_free(scheme);
    curl_free(host);
  }
  curl_url_cleanup(handle);
  return result;
}

bool is_loopback_ip(std::string_view host) {
  const auto address = util::parse_ip(host);
  if (!address) {
    return false;
  }
  if (address->is_v4) {
    return address->bytes[12] == 127;
  }
  for (std::size_t i = 0; i < 15; ++i) {
    if (address->bytes[i] != 0) {
      return false;
    }
  }
  return address->bytes[15] == 1;
}

// `text` made safe for one stderr line (event IDs and rule IDs may come from hostile files).
std::string printable(std::string_view text) {
  std::string out = util::sanitize_utf8(text.substr(0, 400));
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
      c = '?';
    }
  }
  out = truncate_utf8(out, 100);
  return out.empty() ? "-" : out;
}

std::string read_webhook_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    throw Fatal("slack: cannot open webhook file " + path + ": " + std::strerror(errno));
  }
  struct stat info {};
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    ::close(fd);
    throw Fatal("slack: webhook file " + path + " is not a regular file");
  }
  if (info.st_size > k_max_webhook_file_bytes) {
    ::close(fd);
    throw Fatal("slack: webhook file " + path + " is too large to hold a URL");
  }
  if ((info.st_mode & (S_IRGRP | S_IROTH)) != 0) {
    diag::warning("slack: webhook file {} is readable by group or others; run chmod 600 on it",
                  path);
  }
  std::string content;
  char buffer[1024];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      const int saved = errno;
      ::close(fd);
      throw Fatal("slack: cannot read webhook file " + path + ": " + std::strerror(saved));
    }
    if (n == 0 || content.size() > static_cast<std::size_t>(k_max_webhook_file_bytes)) {
      break;
    }
    content.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  std::string url = trim(content);
  if (url.empty()) {
    throw Fatal("slack: webhook file " + path + " is empty");
  }
  return url;
}

// Posting happens on a delivery thread, so reading never waits for Slack: add() stages an
// alert, flush() hands the staged alerts to the thread's queue and collects what the thread
// has confirmed since. The thread lets alerts gather for `gather_ms` after the oldest waiting
// one arrived (a burst under way), then takes everything queued: more than the digest
// threshold becomes one digest, fewer are posted one by one. Alerts arriving while it posts
// (pacing, retries) queue up for the next round, so a burst becomes digests and a lone alert
// goes out within gather_ms plus one post. The final flush waits until the queue is empty.
class SlackSink final : public Sink {
public:
  SlackSink(const SlackConfig& config, SlackTemplate message_template, std::FILE* dry_run_out)
      : m_config(config), m_template(std::move(message_template)), m_dry_run_out(dry_run_out) {
    if (!m_config.dry_run) {
      m_transport = std::make_unique<SlackTransport>(m_config.webhook_url, m_config);
    }
    m_thread = std::thread([this] { deliver_loop(); });
  }

  // Alerts never handed over by a final flush are dropped (with --state they stay pending).
  ~SlackSink() override {
    {
      std::lock_guard lock(m_mutex);
      m_quit = true;
    }
    m_wake.notify_all();
    m_thread.join();
  }

  // A dry run delivers nothing, so it confirms nothing.
  bool confirms_delivery() const override { return !m_config.dry_run; }

  SinkStatus add(const Alert& alert) override {
    m_staged.push_back(alert);
    return SinkStatus::ok;
  }

  void hurry() override { m_hurry = true; }

  SinkStatus flush(bool final, Receipts& receipts) override {
    std::unique_lock lock(m_mutex);
    if (m_queue.empty() && !m_staged.empty()) {
      m_queued_since = Clock::now();
    }
    m_queue.insert(m_queue.end(), std::make_move_iterator(m_staged.begin()),
                   std::make_move_iterator(m_staged.end()));
    m_queued += m_staged.size();
    m_staged.clear();
    m_final = m_final || final;
    m_wake.notify_all();
    // Confirmations are passed on as they come (the final flush waits for all of them), so a
    // run killed while a later message is being posted has marked the earlier ones delivered.
    for (;;) {
      if (final) {
        m_idle.wait(lock, [&] { return !m_confirmed.empty() || (m_queue.empty() && !m_busy); });
      }
      const std::vector<std::uint64_t> confirmed = std::exchange(m_confirmed, {});
      if (confirmed.empty()) {
        break;
      }
      lock.unlock();
      for (const std::uint64_t number : confirmed) {
        receipts.confirmed(number);
      }
      lock.lock();
    }
    return std::exchange(m_status, SinkStatus::ok);
  }

private:
  using Clock = std::chrono::steady_clock;

  // Hands each confirmation to the caller's thread at once (flush() passes it on).
  class Handover final : public Receipts {
  public:
    explicit Handover(SlackSink& sink) : m_sink(sink) {}
    void confirmed(std::uint64_t number) override {
      std::lock_guard lock(m_sink.m_mutex);
      m_sink.m_confirmed.push_back(number);
      m_sink.m_idle.notify_all();
    }

  private:
    SlackSink& m_sink;
  };

  void deliver_loop() {
    std::unique_lock lock(m_mutex);
    for (;;) {
      m_wake.wait(lock, [&] { return m_quit || !m_queue.empty(); });
      const auto gathered = m_queued_since + std::chrono::milliseconds(m_config.gather_ms);
      m_wake.wait_until(lock, gathered, [&] { return m_quit || m_final; });
      if (m_quit) {
        return;
      }
      const std::uint64_t first = m_queued - m_queue.size();
      const std::vector<Alert> batch = std::exchange(m_queue, {});
      m_busy = true;
      lock.unlock();
      Handover confirmed(*this);
      const SinkStatus status = send(batch, first, confirmed);
      lock.lock();
      m_status = worse(m_status, status);
      m_busy = false;
      m_idle.notify_all();
    }
  }

  // Posts one round: `alerts`, numbered from `first`.
  SinkStatus send(const std::vector<Alert>& alerts, std::uint64_t first, Receipts& receipts) {
    if (m_config.digest_threshold > 0 && alerts.size() > m_config.digest_threshold) {
      diag::debug(1, "slack: {} alerts at once, sending one digest", alerts.size());
      return deliver(build_digest_payload(alerts), alerts, first, receipts);
    }
    // One message per event: the alerts of one record (several rules) arrive together.
    SinkStatus status = SinkStatus::ok;
    for (std::size_t i = 0; i < alerts.size();) {
      if (m_hurry && alerts.size() - i > 1) {
        // Stopping: one post for the rest instead of one paced post each.
        const std::vector<Alert> rest(alerts.begin() + static_cast<std::ptrdiff_t>(i),
                                      alerts.end());
        return worse(status, deliver(build_digest_payload(rest), rest, first + i, receipts));
      }
      std::size_t end = i + 1;
      while (end < alerts.size() && same_record(alerts[i], alerts[end])) {
        ++end;
      }
      const std::span<const Alert> group(&alerts[i], end - i);
      status = worse(status, deliver(build_slack_payload(alerts[i], m_template, group.subspan(1)),
                                     group, first + i, receipts));
      i = end;
    }
    return status;
  }

  // Sends `payload`, which stands for `covered` (numbered from `first`); reports each covered
  // alert or confirms it to `receipts` at once.
  SinkStatus deliver(const std::string& payload, std::span<const Alert> covered,
                     std::uint64_t first, Receipts& receipts) {
    if (m_config.dry_run) {
      // Nothing is delivered in a dry run, so nothing is confirmed. One write per payload, so
      // lines from this thread and the text sink never interleave.
      const std::string line = payload + '\n';
      const bool written = std::fwrite(line.data(), 1, line.size(), m_dry_run_out) == line.size() &&
                           std::fflush(m_dry_run_out) == 0;
      if (!written) {
        if (errno == EPIPE) {
          return SinkStatus::closed;
        }
        report(covered, std::string("cannot write dry-run output: ") + std::strerror(errno));
      }
      return written ? SinkStatus::ok : SinkStatus::failed;
    }
    if (!m_stopped_reason.empty()) {
      report(covered, "not sent after an earlier failure: " + m_stopped_reason);
      return SinkStatus::failed;
    }
    const PostOutcome outcome = m_transport->post(payload);
    if (!outcome.delivered) {
      if (outcome.endpoint_failure) {
        m_stopped_reason = outcome.reason;
      }
      report(covered, outcome.reason);
      return SinkStatus::failed;
    }
    diag::debug(1, "slack: delivered a message for {} alert(s)", covered.size());
    for (std::uint64_t i = 0; i < covered.size(); ++i) {
      receipts.confirmed(first + i);
    }
    return SinkStatus::ok;
  }

  static void report(std::span<const Alert> alerts, const std::string& reason) {
    for (const Alert& alert : alerts) {
      diag::error("slack: alert {} {} not delivered: {}",
                  printable(alert.rule_id.empty() ? alert.rule_title : alert.rule_id),
                  printable(alert.event.event_id), reason);
    }
  }

  // Set at construction, then used by the delivery thread only.
  SlackConfig m_config;
  SlackTemplate m_template;
  std::FILE* m_dry_run_out;
  std::unique_ptr<SlackTransport> m_transport;
  std::string m_stopped_reason; // set once the webhook failed for good
  // The caller's thread only.
  std::vector<Alert> m_staged; // added since the last flush
  // Shared, under m_mutex.
  std::mutex m_mutex;
  std::condition_variable m_wake; // the thread: alerts queued, final flush, quit
  std::condition_variable m_idle; // the final flush: a confirmation came, or a round ended
  std::vector<Alert> m_queue;     // waiting for the thread, in number order
  std::uint64_t m_queued = 0;     // alerts ever queued (the next alert's number)
  Clock::time_point m_queued_since{};
  std::vector<std::uint64_t> m_confirmed; // confirmed since the last flush
  SinkStatus m_status = SinkStatus::ok;   // the worst since the last flush
  bool m_busy = false;                    // the thread is posting a round
  bool m_final = false;
  bool m_quit = false;
  std::atomic<bool> m_hurry{false}; // stopping: the rest of a round goes as one digest
  std::thread m_thread;             // last: starts after everything above exists
};

} // namespace

std::string redact_url(std::string_view url) {
  const auto separator = url.find("://");
  if (separator == std::string_view::npos || separator == 0 || separator > 16) {
    return std::string(k_unprintable_url);
  }
  std::string scheme(url.substr(0, separator));
  for (char& c : scheme) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') {
      return std::string(k_unprintable_url);
    }
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  std::string_view authority = url.substr(separator + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1); // user info may hold a password
  }
  if (authority.empty() || authority.size() > 255) {
    return std::string(k_unprintable_url);
  }
  for (char c : authority) {
    const bool allowed = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' ||
                         c == '_' || c == ':' || c == '[' || c == ']';
    if (!allowed) {
      return std::string(k_unprintable_url);
    }
  }
  return scheme + "://" + std::string(authority) + "/\xE2\x80\xA6";
}

bool is_loopback_http_url(std::string_view url) {
  const UrlParts parts = parse_url(url);
  return parts.ok && parts.scheme == "http" && is_loopback_ip(parts.host);
}

void validate_webhook_url(std::string_view url) {
  if (url.empty()) {
    throw Fatal(std::string("slack: no webhook URL (set ") + k_slack_webhook_env +
                " or use --slack-webhook-file)");
  }
  const UrlParts parts = parse_url(url);
  if (!parts.ok || parts.host.empty()) {
    const std::string shown = redact_url(url);
    throw Fatal("slack: the webhook URL" + (shown == k_unprintable_url ? "" : " " + shown) +
                " is not a valid URL");
  }
  if (parts.scheme == "https") {
    return;
  }
  if (parts.scheme == "http" && is_loopback_ip(parts.host)) {
    return;
  }
  throw Fatal("slack: webhook URL " + redact_url(url) +
              " must use https (plain http only to a literal loopback address such as "
              "127.0.0.1 or [::1])");
}

std::string resolve_webhook_url(std::string_view flag_value, std::string_view file_path) {
  std::string url;
  if (!flag_value.empty()) {
    url = trim(flag_value);
  } else if (const char* env = std::getenv(k_slack_webhook_env); env != nullptr && *env != '\0') {
    url = trim(env);
  } else if (!file_path.empty()) {
    url = read_webhook_file(std::string(file_path));
  } else {
    return {};
  }
  validate_webhook_url(url);
  return url;
}

std::unique_ptr<Sink> make_slack_sink(const SlackConfig& config, std::FILE* dry_run_out) {
  if (!config.dry_run || !config.webhook_url.empty()) {
    validate_webhook_url(config.webhook_url);
  }
  SlackTemplate message_template = config.template_path.empty()
                                       ? SlackTemplate::builtin()
                                       : SlackTemplate::load(config.template_path);
  return std::make_unique<SlackSink>(config, std::move(message_template),
                                     dry_run_out != nullptr ? dry_run_out : stdout);
}

} // namespace trailwatch
