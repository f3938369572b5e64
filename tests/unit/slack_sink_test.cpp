// SPDX-License-Identifier: MIT
// Slack sink against a real loopback HTTP server (tests/tools/slack_server.py, started per test):
// posts, retries, permanent failures, digests, dry run, and that the webhook path never reaches
// stderr. Also the webhook URL helpers. No assertions on timing; waits are kept short by config.
#include "sinks/slack/slack.hpp"
#include "sinks/slack/slack_message.hpp"
#include "trailwatch/diag.hpp"
#include "trailwatch/error.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <optional>
#include <poll.h>
#include <set>
#include <signal.h>
#include <simdjson.h>
#include <spawn.h>
#include <string>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace trailwatch {
namespace {

const std::string k_secret = "XXXXSECRET";
const std::string k_webhook_path = "/services/T000/B000/XXXXSECRET";

// One request as the server logged it.
struct Request {
  std::string path;
  std::string content_type;
  std::string body;
  bool body_valid_utf8 = false;
};

std::string find_in_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= dirs.size()) {
    const std::size_t end = std::min(dirs.find(':', start), dirs.size());
    const std::string candidate = dirs.substr(start, end - start) + "/" + name;
    if (end > start && ::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
    start = end + 1;
  }
  return {};
}

// slack_server.py as a child process. The port comes from its first stdout line; requests from
// its log, which it writes before replying, so a finished post is always in the log.
class SlackServer {
public:
  enum class Start { started, no_python, failed };

  ~SlackServer() { stop(); }

  Start start(const std::string& dir, const std::string& replies) {
    const std::string python = find_in_path("python3");
    if (python.empty()) {
      return Start::no_python;
    }
    const std::string script = std::string(TRAILWATCH_TEST_TOOLS) + "/slack_server.py";
    m_log = dir + "/requests.jsonl";
    const std::string stderr_file = dir + "/server.stderr";
    int in_pipe[2];
    int out_pipe[2];
    if (::pipe2(in_pipe, O_CLOEXEC) != 0 || ::pipe2(out_pipe, O_CLOEXEC) != 0) {
      ADD_FAILURE() << "pipe: " << std::strerror(errno);
      return Start::failed;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in_pipe[0], 0);
    posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
    // Never the test's stderr: CaptureStderr would mix the server's output into ours.
    posix_spawn_file_actions_addopen(&actions, 2, stderr_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0600);
    std::vector<std::string> args = {python,       script,      "--log",
                                     m_log,        "--replies", replies,
                                     "--lifetime", "120",       "--exit-on-stdin-eof"};
    std::vector<char*> argv;
    for (std::string& arg : args) {
      argv.push_back(arg.data());
    }
    argv.push_back(nullptr);
    const int rc = posix_spawn(&m_pid, python.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(in_pipe[0]);
    ::close(out_pipe[1]);
    m_stdin = in_pipe[1];
    m_stdout = out_pipe[0];
    if (rc != 0) {
      m_pid = -1;
      ADD_FAILURE() << "posix_spawn " << python << ": " << std::strerror(rc);
      return Start::failed;
    }
    // Read the first line (the port); poll bounds the wait if the server fails to start.
    std::string line;
    while (line.find('\n') == std::string::npos) {
      pollfd pfd{m_stdout, POLLIN, 0};
      if (::poll(&pfd, 1, 30000) <= 0) {
        break;
      }
      char buffer[64];
      const ssize_t n = ::read(m_stdout, buffer, sizeof buffer);
      if (n <= 0) {
        break;
      }
      line.append(buffer, static_cast<std::size_t>(n));
    }
    m_port = std::atoi(line.c_str());
    if (m_port <= 0) {
      std::ifstream err(stderr_file);
      std::string why;
      for (std::string line_text; std::getline(err, line_text);) {
        why += line_text + "\n";
      }
      ADD_FAILURE() << "slack_server.py did not report a port: " << why;
      return Start::failed;
    }
    return Start::started;
  }

  void stop() {
    if (m_pid > 0) {
      ::kill(m_pid, SIGKILL); // the log is flushed per request, nothing to lose
      int status = 0;
      ::waitpid(m_pid, &status, 0);
      m_pid = -1;
    }
    for (int* fd : {&m_stdin, &m_stdout}) {
      if (*fd >= 0) {
        ::close(*fd);
        *fd = -1;
      }
    }
  }

  int port() const { return m_port; }

  std::vector<Request> requests() const {
    std::vector<Request> result;
    std::ifstream in(m_log);
    std::string line;
    simdjson::dom::parser parser;
    while (std::getline(in, line)) {
      simdjson::dom::element entry;
      if (parser.parse(line).get(entry) != simdjson::SUCCESS) {
        ADD_FAILURE() << "bad log line: " << line;
        continue;
      }
      Request request;
      std::string_view text;
      if (entry["path"].get(text) == simdjson::SUCCESS) {
        request.path = std::string(text);
      }
      if (entry["headers"]["content-type"].get(text) == simdjson::SUCCESS) {
        request.content_type = std::string(text);
      }
      if (entry["body"].get(text) == simdjson::SUCCESS) {
        request.body = std::string(text);
      }
      bool valid = false;
      if (entry["body_valid_utf8"].get(valid) == simdjson::SUCCESS) {
        request.body_valid_utf8 = valid;
      }
      result.push_back(std::move(request));
    }
    return result;
  }

private:
  pid_t m_pid = -1;
  int m_stdin = -1;
  int m_stdout = -1;
  int m_port = 0;
  std::string m_log;
};

// Captures stderr for the scope, even when an assertion returns early.
class StderrCapture {
public:
  StderrCapture() { testing::internal::CaptureStderr(); }
  ~StderrCapture() {
    if (!m_taken) {
      (void)testing::internal::GetCapturedStderr();
    }
  }
  std::string take() {
    m_taken = true;
    return testing::internal::GetCapturedStderr();
  }

private:
  bool m_taken = false;
};

void expect_no_secret(const std::string& text) {
  EXPECT_EQ(text.find(k_secret), std::string::npos) << text;
  EXPECT_EQ(text.find("/services/"), std::string::npos) << text;
  EXPECT_EQ(text.find("T000/B000"), std::string::npos) << text;
}

std::size_t count_of(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t i = text.find(needle); i != std::string::npos; i = text.find(needle, i + 1)) {
    ++n;
  }
  return n;
}

// A parsed post body: the fallback text and all block texts joined, plus the block count.
struct Body {
  bool valid = false;
  std::string text;
  std::string blocks_text;
  std::size_t blocks = 0;
};

Body parse_body(const std::string& json) {
  Body body;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(json).get(doc) != simdjson::SUCCESS) {
    return body;
  }
  std::string_view text;
  simdjson::dom::array blocks;
  bool unfurl_links = true;
  bool unfurl_media = true;
  if (doc["text"].get(text) != simdjson::SUCCESS ||
      doc["blocks"].get(blocks) != simdjson::SUCCESS ||
      doc["unfurl_links"].get(unfurl_links) != simdjson::SUCCESS ||
      doc["unfurl_media"].get(unfurl_media) != simdjson::SUCCESS || unfurl_links || unfurl_media) {
    return body;
  }
  body.text = std::string(text);
  for (simdjson::dom::element block : blocks) {
    ++body.blocks;
    std::string_view type;
    if (block["type"].get(type) != simdjson::SUCCESS) {
      return body;
    }
    simdjson::dom::element text_object =
        type == "context" ? block["elements"].at(0).value() : block["text"].value();
    if (text_object["text"].get(text) != simdjson::SUCCESS) {
      return body;
    }
    const std::size_t limit = type == "header" ? k_slack_header_limit : k_slack_section_limit;
    if (count_code_points(text) > limit) {
      return body;
    }
    body.blocks_text += std::string(text) + "\n";
  }
  body.valid = body.blocks > 0 && body.blocks <= k_slack_max_blocks &&
               count_code_points(body.blocks_text) <= k_slack_message_text_limit;
  return body;
}

Alert make_alert(int n) {
  Alert alert;
  alert.rule_id = "tw-gpu-tier-a";
  alert.rule_title = "GPU instance launched";
  alert.level = Level::high;
  Event& e = alert.event;
  e.event_time = "2025-01-14T03:12:09Z";
  e.event_id = "evt-" + std::to_string(n);
  e.event_source = "ec2.amazonaws.com";
  e.event_name = "RunInstances";
  e.aws_region = "us-east-2";
  e.account = e.recipient_account_id = "111122223333";
  e.source_ip = "203.0.113.7";
  e.identity.type = "AssumedRole";
  e.actor = "deploy/ci-bot";
  e.launch.is_launch_api = true;
  e.launch.outcome = Outcome::launch;
  e.launch.instance_types = {"p3.2xlarge"};
  e.launch.launched_count = 1;
  e.origin.source = "input.json";
  e.origin.record = static_cast<std::uint64_t>(n);
  return alert;
}

class SlackSinkTest : public testing::Test {
protected:
  void SetUp() override {
    char pattern[] = "/tmp/trailwatch-slack-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    m_dir = pattern;
    diag::reset();
  }

  void TearDown() override {
    m_server.stop();
    std::error_code ignored;
    std::filesystem::remove_all(m_dir, ignored);
    diag::reset();
  }

  // Settings that keep the suite quick: short pacing and backoff, normal Retry-After cap.
  SlackConfig config_for(int port) const {
    SlackConfig config;
    config.webhook_url = "http://127.0.0.1:" + std::to_string(port) + k_webhook_path;
    config.min_interval_s = 0.01;
    config.backoff_base_s = 0.01;
    config.connect_timeout_ms = 2000;
    config.total_timeout_ms = 10000;
    config.max_attempts = 4;
    return config;
  }

  // Adds `alerts` to a sink made from `config`, runs finish(); records deliveries and stderr.
  bool run(const SlackConfig& config, const std::vector<Alert>& alerts,
           std::FILE* dry_out = nullptr) {
    StderrCapture capture;
    bool result = false;
    {
      auto sink = make_slack_sink(config, dry_out);
      for (const Alert& alert : alerts) {
        sink->add(alert);
      }
      // flush(false) hands the alerts to the delivery thread and never waits for Slack; what
      // it confirmed so far and what the final flush confirms together are the deliveries.
      ReceiptList confirmed;
      const SinkStatus handed = sink->flush(false, confirmed);
      result = worse(handed, sink->flush(true, confirmed)) == SinkStatus::ok;
      for (const std::uint64_t number : confirmed.numbers) {
        m_delivered.push_back(alerts.at(number).event.event_id);
      }
    }
    m_stderr = capture.take();
    expect_no_secret(m_stderr);
    return result;
  }

  // Every logged request: right path and Content-Type, a valid UTF-8 JSON body within limits.
  std::vector<Body> checked_requests() const {
    std::vector<Body> bodies;
    for (const Request& request : m_server.requests()) {
      EXPECT_EQ(request.path, k_webhook_path);
      EXPECT_EQ(request.content_type, "application/json");
      EXPECT_TRUE(request.body_valid_utf8);
      Body body = parse_body(request.body);
      EXPECT_TRUE(body.valid) << request.body.substr(0, 500);
      bodies.push_back(std::move(body));
    }
    return bodies;
  }

  std::string m_dir;
  SlackServer m_server;
  std::vector<std::string> m_delivered;
  std::string m_stderr;
};

#define START_SERVER(replies)                                                                      \
  do {                                                                                             \
    const auto started = m_server.start(m_dir, replies);                                           \
    if (started == SlackServer::Start::no_python) {                                                \
      GTEST_SKIP() << "python3 not found in PATH";                                                 \
    }                                                                                              \
    ASSERT_EQ(started, SlackServer::Start::started);                                               \
  } while (false)

std::vector<Alert> alerts(int n) {
  std::vector<Alert> result;
  for (int i = 0; i < n; ++i) {
    result.push_back(make_alert(i));
  }
  return result;
}

TEST_F(SlackSinkTest, OkDeliversEachAlertExactlyOnce) {
  START_SERVER("200:ok");
  EXPECT_TRUE(run(config_for(m_server.port()), alerts(5)));
  const auto bodies = checked_requests();
  ASSERT_EQ(bodies.size(), 5u);
  std::multiset<std::string> seen;
  for (const Body& body : bodies) {
    for (int i = 0; i < 5; ++i) {
      if (body.blocks_text.find("`evt-" + std::to_string(i) + "`") != std::string::npos) {
        seen.insert("evt-" + std::to_string(i));
      }
    }
  }
  EXPECT_EQ(seen, (std::multiset<std::string>{"evt-0", "evt-1", "evt-2", "evt-3", "evt-4"}));
  EXPECT_EQ(m_delivered, (std::vector<std::string>{"evt-0", "evt-1", "evt-2", "evt-3", "evt-4"}));
  EXPECT_EQ(m_stderr, "");
  EXPECT_FALSE(diag::errored());
}

// Two rules matching one record make one message that lists both; both alerts are confirmed by
// that one delivery.
TEST_F(SlackSinkTest, OneMessagePerEventListsEveryRule) {
  START_SERVER("200:ok");
  std::vector<Alert> batch = alerts(2);
  Alert second_rule = batch[0];
  second_rule.rule_id = "tw-hosting-asn";
  second_rule.rule_title = "Launch from a hosting network";
  batch.insert(batch.begin() + 1, second_rule);
  EXPECT_TRUE(run(config_for(m_server.port()), batch));
  const auto bodies = checked_requests();
  ASSERT_EQ(bodies.size(), 2u);
  EXPECT_NE(bodies[0].blocks_text.find("Also matched:* HIGH Launch from a hosting network "
                                       "(tw-hosting-asn)"),
            std::string::npos)
      << bodies[0].blocks_text;
  EXPECT_EQ(bodies[1].blocks_text.find("Also matched"), std::string::npos);
  EXPECT_EQ(m_delivered, (std::vector<std::string>{"evt-0", "evt-0", "evt-1"}));
}

TEST_F(SlackSinkTest, HostileValuesArriveEscaped) {
  START_SERVER("200:ok");
  Alert alert = make_alert(1);
  alert.event.actor = "<!channel> please verify <http://evil|click> \"quoted\" back\\slash";
  alert.event.user_agent = std::string(1 << 20, 'A') + "<!here>";
  alert.event.identity.access_key_id = "AKIA`code`\x01\x02\x7f";
  alert.event.aws_region = "us-east-1\xC3\x28\xFF"; // invalid UTF-8
  alert.event.event_id = "<@U0001>";
  EXPECT_TRUE(run(config_for(m_server.port()), {alert}));
  const auto requests = m_server.requests();
  ASSERT_EQ(requests.size(), 1u);
  const std::string& raw = requests[0].body;
  EXPECT_LT(raw.size(), 16u * 1024);
  EXPECT_EQ(raw.find_first_of("<>"), std::string::npos) << raw;
  const auto bodies = checked_requests();
  ASSERT_EQ(bodies.size(), 1u);
  const std::string& text = bodies[0].blocks_text;
  EXPECT_NE(text.find("&lt;!channel&gt; please verify &lt;http://evil|click&gt; \"quoted\" "
                      "back\\slash"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("AKIA\xCB\x8B"
                      "code\xCB\x8B\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("us-east-1\xEF\xBF\xBD(\xEF\xBF\xBD"), std::string::npos) << text;
  EXPECT_NE(text.find("&lt;@U0001&gt;"), std::string::npos);
  EXPECT_EQ(text.find("<!here>"), std::string::npos);
  EXPECT_EQ(bodies[0].text.find('<'), std::string::npos);
  EXPECT_EQ(m_delivered.size(), 1u);
}

TEST_F(SlackSinkTest, RateLimitedWithRetryAfterSecondsIsRetried) {
  START_SERVER("429:retry-after=1,200:ok");
  EXPECT_TRUE(run(config_for(m_server.port()), alerts(1)));
  EXPECT_EQ(checked_requests().size(), 2u);
  EXPECT_EQ(m_delivered.size(), 1u);
  EXPECT_NE(m_stderr.find("HTTP 429"), std::string::npos) << m_stderr;
  EXPECT_NE(m_stderr.find("http://127.0.0.1:" + std::to_string(m_server.port()) + "/\xE2\x80\xA6"),
            std::string::npos)
      << m_stderr;
}

TEST_F(SlackSinkTest, RateLimitedWithRetryAfterHttpDateIsRetried) {
  START_SERVER("429:retry-date=1,200:ok");
  EXPECT_TRUE(run(config_for(m_server.port()), alerts(1)));
  EXPECT_EQ(checked_requests().size(), 2u);
  EXPECT_EQ(m_delivered.size(), 1u);
}

TEST_F(SlackSinkTest, HugeRetryAfterIsClamped) {
  // A date a year ahead: without the clamp this test would wait that long.
  START_SERVER("429:retry-date=31536000,200:ok");
  SlackConfig config = config_for(m_server.port());
  config.max_retry_after_s = 0.2;
  EXPECT_TRUE(run(config, alerts(1)));
  EXPECT_EQ(checked_requests().size(), 2u);
}

TEST_F(SlackSinkTest, ServerErrorThenOkIsRetried) {
  START_SERVER("500,200:ok");
  EXPECT_TRUE(run(config_for(m_server.port()), alerts(1)));
  EXPECT_EQ(checked_requests().size(), 2u);
  EXPECT_EQ(m_delivered.size(), 1u);
  EXPECT_NE(m_stderr.find("HTTP 500 rollup_error"), std::string::npos) << m_stderr;
  EXPECT_FALSE(diag::errored());
}

TEST_F(SlackSinkTest, PersistentServerErrorStopsAfterMaxAttempts) {
  START_SERVER("500");
  SlackConfig config = config_for(m_server.port());
  config.max_attempts = 3;
  EXPECT_FALSE(run(config, alerts(2)));
  EXPECT_EQ(checked_requests().size(), 3u); // the second alert is not tried against a failing hook
  EXPECT_TRUE(m_delivered.empty());
  EXPECT_EQ(count_of(m_stderr, "not delivered"), 2u) << m_stderr;
  EXPECT_NE(m_stderr.find("after 3 attempts"), std::string::npos) << m_stderr;
  EXPECT_TRUE(diag::errored());
}

TEST_F(SlackSinkTest, InvalidPayloadIsNotRetried) {
  START_SERVER("400:invalid_payload");
  EXPECT_FALSE(run(config_for(m_server.port()), alerts(1)));
  EXPECT_EQ(checked_requests().size(), 1u);
  EXPECT_TRUE(m_delivered.empty());
  EXPECT_NE(m_stderr.find("trailwatch: error: slack: alert tw-gpu-tier-a evt-0 not delivered: "
                          "HTTP 400 invalid_payload"),
            std::string::npos)
      << m_stderr;
  EXPECT_TRUE(diag::errored());
}

TEST_F(SlackSinkTest, InvalidPayloadFailsOnlyThatMessage) {
  START_SERVER("400:invalid_payload,200:ok");
  EXPECT_FALSE(run(config_for(m_server.port()), alerts(2)));
  EXPECT_EQ(checked_requests().size(), 2u);
  EXPECT_EQ(m_delivered, (std::vector<std::string>{"evt-1"}));
  EXPECT_EQ(count_of(m_stderr, "not delivered"), 1u) << m_stderr;
}

TEST_F(SlackSinkTest, NoServiceStopsTheRun) {
  START_SERVER("404:no_service");
  EXPECT_FALSE(run(config_for(m_server.port()), alerts(3)));
  EXPECT_EQ(checked_requests().size(), 1u);
  EXPECT_TRUE(m_delivered.empty());
  EXPECT_EQ(count_of(m_stderr, "not delivered"), 3u) << m_stderr;
  EXPECT_NE(m_stderr.find("HTTP 404 no_service"), std::string::npos) << m_stderr;
}

TEST_F(SlackSinkTest, ChannelArchivedIsPermanent) {
  START_SERVER("410:channel_is_archived");
  EXPECT_FALSE(run(config_for(m_server.port()), alerts(1)));
  EXPECT_EQ(checked_requests().size(), 1u);
  EXPECT_NE(m_stderr.find("HTTP 410 channel_is_archived"), std::string::npos) << m_stderr;
}

TEST_F(SlackSinkTest, ForbiddenIsPermanent) {
  START_SERVER("403:action_prohibited");
  EXPECT_FALSE(run(config_for(m_server.port()), alerts(1)));
  EXPECT_EQ(checked_requests().size(), 1u);
  EXPECT_NE(m_stderr.find("HTTP 403 action_prohibited"), std::string::npos) << m_stderr;
}

TEST_F(SlackSinkTest, ServerEchoingTheUrlIsScrubbed) {
  START_SERVER("400:body=bad request to /services/T000/B000/XXXXSECRET");
  EXPECT_FALSE(run(config_for(m_server.port()), alerts(1)));
  EXPECT_EQ(checked_requests().size(), 1u);
  EXPECT_NE(m_stderr.find("HTTP 400 bad request to"), std::string::npos) << m_stderr;
}

TEST_F(SlackSinkTest, SlowReplyTimesOutWithBoundedAttempts) {
  START_SERVER("200:sleep=5");
  SlackConfig config = config_for(m_server.port());
  config.total_timeout_ms = 300;
  config.max_attempts = 2;
  EXPECT_FALSE(run(config, alerts(1)));
  const std::size_t posts = checked_requests().size();
  EXPECT_GE(posts, 1u);
  EXPECT_LE(posts, 2u);
  EXPECT_TRUE(m_delivered.empty());
  EXPECT_NE(m_stderr.find("timed out"), std::string::npos) << m_stderr;
  EXPECT_NE(m_stderr.find("not delivered"), std::string::npos) << m_stderr;
}

TEST_F(SlackSinkTest, ConnectionRefusedFailsAfterBoundedAttempts) {
  // A bound socket that does not listen: connections to its port are refused.
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  socklen_t length = sizeof address;
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length), 0);
  SlackConfig config = config_for(ntohs(address.sin_port));
  config.max_attempts = 3;
  EXPECT_FALSE(run(config, alerts(2)));
  ::close(fd);
  EXPECT_TRUE(m_delivered.empty());
  EXPECT_EQ(count_of(m_stderr, "not delivered"), 2u) << m_stderr;
  EXPECT_NE(m_stderr.find("after 3 attempts"), std::string::npos) << m_stderr;
}

TEST_F(SlackSinkTest, RedirectIsNotFollowed) {
  START_SERVER("302:location=http://127.0.0.1:{port}/moved");
  EXPECT_FALSE(run(config_for(m_server.port()), alerts(1)));
  EXPECT_EQ(checked_requests().size(), 1u); // checked_requests also asserts the path
  EXPECT_NE(m_stderr.find("HTTP 302"), std::string::npos) << m_stderr;
}

TEST_F(SlackSinkTest, OkWithUnexpectedBodyIsNotDelivered) {
  START_SERVER("200:body=<html>captive portal</html>");
  EXPECT_FALSE(run(config_for(m_server.port()), alerts(1)));
  EXPECT_EQ(checked_requests().size(), 1u);
  EXPECT_TRUE(m_delivered.empty());
}

TEST_F(SlackSinkTest, BurstBecomesOneDigest) {
  START_SERVER("200:ok");
  std::vector<Alert> burst;
  for (int i = 0; i < 200; ++i) {
    Alert alert = make_alert(i);
    alert.event.actor = i < 150 ? "role/a" : i < 190 ? "role/b" : "role/c";
    if (i % 2 == 1) {
      alert.event.launch.instance_types = {"g4dn.xlarge"};
    }
    burst.push_back(std::move(alert));
  }
  EXPECT_TRUE(run(config_for(m_server.port()), burst));
  const auto bodies = checked_requests();
  ASSERT_EQ(bodies.size(), 1u);
  const std::string& text = bodies[0].blocks_text;
  EXPECT_NE(text.find("trailwatch digest: 200 alerts in 3 groups"), std::string::npos) << text;
  EXPECT_NE(text.find("*150 \xC3\x97* GPU instance launched (high) by `role/a` in `111122223333` "
                      "(`p3.2xlarge, g4dn.xlarge`)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("*40 \xC3\x97*"), std::string::npos);
  EXPECT_NE(text.find("*10 \xC3\x97*"), std::string::npos);
  ASSERT_EQ(m_delivered.size(), 200u);
  EXPECT_EQ(m_delivered.front(), "evt-0");
  EXPECT_EQ(m_delivered.back(), "evt-199");
}

TEST_F(SlackSinkTest, DigestThresholdZeroNeverDigests) {
  START_SERVER("200:ok");
  SlackConfig config = config_for(m_server.port());
  config.digest_threshold = 0;
  EXPECT_TRUE(run(config, alerts(12)));
  EXPECT_EQ(checked_requests().size(), 12u);
  EXPECT_EQ(m_delivered.size(), 12u);
}

TEST_F(SlackSinkTest, FailedDigestReportsEveryAlert) {
  START_SERVER("410:channel_is_archived");
  SlackConfig config = config_for(m_server.port());
  config.digest_threshold = 2;
  EXPECT_FALSE(run(config, alerts(3)));
  EXPECT_EQ(checked_requests().size(), 1u);
  EXPECT_EQ(count_of(m_stderr, "not delivered"), 3u) << m_stderr;
}

TEST_F(SlackSinkTest, DryRunPostsNothing) {
  START_SERVER("200:ok");
  SlackConfig config = config_for(m_server.port());
  config.dry_run = true;
  std::FILE* out = std::tmpfile();
  ASSERT_NE(out, nullptr);
  EXPECT_TRUE(run(config, alerts(3), out));
  EXPECT_EQ(m_server.requests().size(), 0u);
  EXPECT_TRUE(m_delivered.empty());
  std::rewind(out);
  std::vector<std::string> lines;
  char buffer[65536];
  while (std::fgets(buffer, sizeof buffer, out) != nullptr) {
    lines.emplace_back(buffer);
  }
  std::fclose(out);
  ASSERT_EQ(lines.size(), 3u);
  for (std::string& line : lines) {
    ASSERT_TRUE(line.ends_with("\n"));
    line.pop_back();
    EXPECT_TRUE(parse_body(line).valid) << line;
  }
}

TEST_F(SlackSinkTest, DryRunNeedsNoUrl) {
  SlackConfig config;
  config.dry_run = true;
  std::FILE* out = std::tmpfile();
  ASSERT_NE(out, nullptr);
  EXPECT_TRUE(run(config, alerts(1), out));
  EXPECT_GT(std::ftell(out), 0);
  std::fclose(out);
}

TEST_F(SlackSinkTest, UserTemplateIsUsed) {
  START_SERVER("200:ok");
  const std::string path = m_dir + "/template.txt";
  std::ofstream(path) << "# mine\nGPU: `$result.instanceType$` by `$result.actor$` ($level$)\n";
  SlackConfig config = config_for(m_server.port());
  config.template_path = path;
  EXPECT_TRUE(run(config, alerts(1)));
  const auto bodies = checked_requests();
  ASSERT_EQ(bodies.size(), 1u);
  EXPECT_NE(bodies[0].blocks_text.find("GPU: `p3.2xlarge` by `deploy/ci-bot` (high)"),
            std::string::npos)
      << bodies[0].blocks_text;
}

TEST_F(SlackSinkTest, BadTemplateIsFatalAtCreation) {
  const std::string path = m_dir + "/template.txt";
  std::ofstream(path) << "$instanceTypes$ $nosuchfield$\n";
  SlackConfig config = config_for(1);
  config.template_path = path;
  try {
    (void)make_slack_sink(config, nullptr);
    FAIL() << "no exception";
  } catch (const Fatal& e) {
    EXPECT_NE(std::string(e.what()).find("$nosuchfield$"), std::string::npos) << e.what();
  }
}

TEST(SlackUrl, RedactKeepsSchemeAndHostOnly) {
  EXPECT_EQ(redact_url("https://hooks.slack.com/services/T1/B2/SECRET"),
            "https://hooks.slack.com/\xE2\x80\xA6");
  EXPECT_EQ(redact_url("https://user:pw@hooks.slack.com:443/x?token=1"),
            "https://hooks.slack.com:443/\xE2\x80\xA6");
  EXPECT_EQ(redact_url("http://[::1]:8080/services/x"), "http://[::1]:8080/\xE2\x80\xA6");
  EXPECT_EQ(redact_url("XXXXSECRET"), "(webhook URL)");
  EXPECT_EQ(redact_url("https://ho st/XXXXSECRET"), "(webhook URL)");
}

// Expects validate_webhook_url(`url`) to throw Fatal without leaking the path.
void expect_rejected(const std::string& url) {
  SCOPED_TRACE(url);
  try {
    validate_webhook_url(url);
    ADD_FAILURE() << "accepted";
  } catch (const Fatal& e) {
    expect_no_secret(e.what());
  }
}

TEST(SlackUrl, OnlyHttpsOrLoopbackHttp) {
  EXPECT_NO_THROW(validate_webhook_url("https://hooks.slack.com" + k_webhook_path));
  EXPECT_NO_THROW(validate_webhook_url("http://127.0.0.1:8080" + k_webhook_path));
  EXPECT_NO_THROW(validate_webhook_url("http://127.3.4.5" + k_webhook_path));
  EXPECT_NO_THROW(validate_webhook_url("http://[::1]:9/" + k_webhook_path));
  EXPECT_TRUE(is_loopback_http_url("http://127.0.0.1:8080" + k_webhook_path));
  EXPECT_FALSE(is_loopback_http_url("https://127.0.0.1:8080" + k_webhook_path));
  expect_rejected("http://hooks.slack.com" + k_webhook_path);
  expect_rejected("http://localhost:8080" + k_webhook_path);
  expect_rejected("http://128.0.0.1" + k_webhook_path);
  expect_rejected("http://[::2]" + k_webhook_path);
  expect_rejected("ftp://127.0.0.1" + k_webhook_path);
  expect_rejected("file:///services/T000/B000/XXXXSECRET");
  expect_rejected("hooks.slack.com" + k_webhook_path);
  expect_rejected("https://hooks.slack.com" + k_webhook_path + " trailing");
  expect_rejected("");
}

class SlackResolveTest : public testing::Test {
protected:
  void SetUp() override {
    if (const char* old = std::getenv(k_slack_webhook_env); old != nullptr) {
      m_saved = old;
    }
    ::unsetenv(k_slack_webhook_env);
    char pattern[] = "/tmp/trailwatch-slack-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    m_dir = pattern;
  }
  void TearDown() override {
    if (m_saved) {
      ::setenv(k_slack_webhook_env, m_saved->c_str(), 1);
    } else {
      ::unsetenv(k_slack_webhook_env);
    }
    std::error_code ignored;
    std::filesystem::remove_all(m_dir, ignored);
  }
  std::string write_file(const std::string& content, mode_t mode) {
    const std::string path = m_dir + "/webhook";
    std::ofstream(path) << content;
    ::chmod(path.c_str(), mode);
    return path;
  }
  std::optional<std::string> m_saved;
  std::string m_dir;
};

TEST_F(SlackResolveTest, FlagThenEnvThenFile) {
  const std::string file = write_file("  https://hooks.slack.com/from/file\n\n", 0600);
  EXPECT_EQ(resolve_webhook_url("", ""), "");
  EXPECT_EQ(resolve_webhook_url("", file), "https://hooks.slack.com/from/file");
  ::setenv(k_slack_webhook_env, "https://hooks.slack.com/from/env", 1);
  EXPECT_EQ(resolve_webhook_url("", file), "https://hooks.slack.com/from/env");
  EXPECT_EQ(resolve_webhook_url("https://hooks.slack.com/from/flag", file),
            "https://hooks.slack.com/from/flag");
}

TEST_F(SlackResolveTest, WarnsWhenFileIsReadableByOthers) {
  const std::string file = write_file("https://hooks.slack.com/services/T/B/XXXXSECRET\n", 0644);
  StderrCapture capture;
  EXPECT_EQ(resolve_webhook_url("", file), "https://hooks.slack.com/services/T/B/XXXXSECRET");
  const std::string err = capture.take();
  EXPECT_NE(err.find("readable by group or others"), std::string::npos) << err;
  expect_no_secret(err);
}

TEST_F(SlackResolveTest, QuietForPrivateFile) {
  const std::string file = write_file("https://hooks.slack.com/services/T/B/XXXXSECRET\n", 0600);
  StderrCapture capture;
  (void)resolve_webhook_url("", file);
  EXPECT_EQ(capture.take(), "");
}

TEST_F(SlackResolveTest, BadFileOrUrlIsFatalWithoutTheSecret) {
  EXPECT_THROW((void)resolve_webhook_url("", m_dir + "/missing"), Fatal);
  EXPECT_THROW((void)resolve_webhook_url("", write_file(" \n", 0600)), Fatal);
  const std::string file = write_file("http://hooks.slack.com/services/T000/B000/XXXXSECRET", 0600);
  try {
    (void)resolve_webhook_url("", file);
    FAIL() << "accepted plain http";
  } catch (const Fatal& e) {
    expect_no_secret(e.what());
    EXPECT_NE(std::string(e.what()).find("http://hooks.slack.com/"), std::string::npos);
  }
}

} // namespace
} // namespace trailwatch
