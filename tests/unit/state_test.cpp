// SPDX-License-Identifier: MIT
// State against real SQLite files in a fresh temporary directory per test: incremental files,
// eventID de-duplication, alert merging, the outbox, the run lock (a second process via fork(),
// readiness signalled through pipes, no sleeps), refusal of files that are not ours (never
// modified), and write failures (read-only files, a file-size limit standing in for a full disk).
// Also alert_from_json, the inverse of alert_to_json that the outbox relies on.
#include "alert/alert_json.hpp"
#include "state/state.hpp"
#include "trailwatch/error.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <gtest/gtest.h>
#include <iterator>
#include <signal.h>
#include <sqlite3.h>
#include <stdexcept>
#include <string>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace trailwatch {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using std::chrono::minutes;

constexpr milliseconds k_short_wait{200};
constexpr minutes k_window{60};

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

// Runs `sql` on `path` with a plain SQLite connection (not through State).
void raw_exec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* message = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
  const std::string text = message != nullptr ? message : "";
  sqlite3_free(message);
  sqlite3_close(db);
  ASSERT_EQ(rc, SQLITE_OK) << text;
}

// The first column of the first row of `sql` on `path`, as text.
std::string raw_query(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  std::string result;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
      sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0) != nullptr) {
    result = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return result;
}

// INSERTs of version-1 `files` rows, complete, from "path|size" items (mtime = size).
std::string fmt_rows(const std::vector<std::string>& items) {
  std::string sql;
  for (const auto& item : items) {
    const auto bar = item.rfind('|');
    const std::string path = item.substr(0, bar), size = item.substr(bar + 1);
    sql += "INSERT OR REPLACE INTO files VALUES('" + path + "', " + size + ", " + size +
           ", 1, NULL, '2024-01-01T00:00:00Z');\n";
  }
  return sql;
}

Alert make_alert(const std::string& rule, const std::string& actor, const std::string& account,
                 const std::string& time) {
  Alert alert;
  alert.rule_id = rule;
  alert.rule_title = "Title of " + rule;
  alert.level = Level::high;
  alert.event.event_id = "id-" + rule + "-" + actor + "-" + time;
  alert.event.event_time = time;
  alert.event.event_name = "RunInstances";
  alert.event.actor = actor;
  alert.event.account = account;
  return alert;
}

// The message of the Fatal that `action` throws; fails the test when it throws none.
template <typename F> std::string fatal_message(F&& action) {
  try {
    action();
  } catch (const Fatal& error) {
    return error.what();
  }
  ADD_FAILURE() << "expected trailwatch::Fatal";
  return {};
}

class StateTest : public ::testing::Test {
protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "trailwatch-state-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    m_dir = pattern;
    m_path = m_dir + "/state.db";
  }
  void TearDown() override {
    // Undo any chmod so the directory can be removed.
    std::error_code ignored;
    fs::permissions(m_dir, fs::perms::owner_all, ignored);
    fs::remove_all(m_dir, ignored);
  }
  std::unique_ptr<State> open_state() { return State::open(m_path, k_short_wait); }

  // Adds `alerts` as one input and commits it under `file`.
  void add_input(State& state, const std::vector<Alert>& alerts, const std::string& file = "") {
    state.begin_input();
    for (const auto& alert : alerts) {
      state.add_alert(alert, k_window);
    }
    state.commit_input(file, 1, 1, true);
  }

  std::string m_dir;
  std::string m_path;
};

TEST_F(StateTest, CreatesWithSchemaAndReopens) {
  {
    auto state = open_state();
    const StateSummary summary = state->summary();
    EXPECT_EQ(summary.schema_version, State::k_schema_version);
    EXPECT_EQ(summary.path, m_path);
    EXPECT_EQ(summary.files, 0u);
    EXPECT_EQ(summary.alerts, 0u);
    EXPECT_TRUE(summary.last_run_started.empty());
  }
  EXPECT_TRUE(fs::exists(m_path));
  EXPECT_EQ(raw_query(m_path, "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(raw_query(m_path, "PRAGMA user_version"), std::to_string(State::k_schema_version));
  auto again = open_state();
  EXPECT_EQ(again->summary().schema_version, State::k_schema_version);
}

TEST_F(StateTest, FileDoneOnlyForSamePathSizeAndMtime) {
  {
    auto state = open_state();
    EXPECT_FALSE(state->file_done("/logs/a.json.gz", 100, 5));
    state->begin_input();
    state->commit_input("/logs/a.json.gz", 100, 5, true);
    EXPECT_TRUE(state->file_done("/logs/a.json.gz", 100, 5));
    EXPECT_FALSE(state->file_done("/logs/a.json.gz", 101, 5));
    EXPECT_FALSE(state->file_done("/logs/a.json.gz", 100, 6));
    EXPECT_FALSE(state->file_done("/logs/b.json.gz", 100, 5));
  }
  auto state = open_state();
  EXPECT_TRUE(state->file_done("/logs/a.json.gz", 100, 5));
  // The file changed and the new version failed half-way: read it again next run.
  state->begin_input();
  state->commit_input("/logs/a.json.gz", 200, 7, false);
  EXPECT_FALSE(state->file_done("/logs/a.json.gz", 200, 7));
  EXPECT_FALSE(state->file_done("/logs/a.json.gz", 100, 5));
  EXPECT_EQ(state->summary().files, 0u); // no version of it is recorded as read
  // The retry succeeds.
  state->begin_input();
  state->commit_input("/logs/a.json.gz", 200, 7, true);
  EXPECT_TRUE(state->file_done("/logs/a.json.gz", 200, 7));
}

TEST_F(StateTest, FirstSightingAcrossInputsAndReopen) {
  {
    auto state = open_state();
    state->begin_input();
    EXPECT_TRUE(state->first_sighting("e1", "2024-05-01T10:00:00Z"));
    EXPECT_FALSE(state->first_sighting("e1", "2024-05-01T10:00:00Z"));
    EXPECT_TRUE(state->first_sighting("", "2024-05-01T10:00:00Z"));
    EXPECT_TRUE(state->first_sighting("", "2024-05-01T10:00:00Z"));
    state->commit_input("f1", 1, 1, true);
    state->begin_input();
    EXPECT_FALSE(state->first_sighting("e1", "2024-05-01T10:00:00Z"));
    EXPECT_TRUE(state->first_sighting("e2", "not a time"));
    state->commit_input("f2", 1, 1, true);
  }
  auto state = open_state();
  state->begin_input();
  EXPECT_FALSE(state->first_sighting("e1", "2024-05-01T10:00:00Z"));
  EXPECT_FALSE(state->first_sighting("e2", "not a time"));
  EXPECT_TRUE(state->first_sighting("e3", "2024-05-01T10:00:00Z"));
  state->commit_input("f3", 1, 1, true);
  EXPECT_EQ(state->summary().events, 3u);
}

TEST_F(StateTest, RollbackAndDestructionLeaveNothingBehind) {
  {
    auto state = open_state();
    state->begin_input();
    EXPECT_TRUE(state->first_sighting("e1", "2024-05-01T10:00:00Z"));
    EXPECT_TRUE(
        state->add_alert(make_alert("r1", "alice", "111", "2024-05-01T10:00:00Z"), k_window));
    state->rollback_input();
    EXPECT_TRUE(state->pending_alerts().empty());
    // An input still open when the State goes away (a crash, an exception) is not kept either.
    state->begin_input();
    EXPECT_TRUE(state->first_sighting("e1", "2024-05-01T10:00:00Z"));
    state->add_alert(make_alert("r1", "alice", "111", "2024-05-01T10:00:00Z"), k_window);
  }
  auto state = open_state();
  const StateSummary summary = state->summary();
  EXPECT_EQ(summary.events, 0u);
  EXPECT_EQ(summary.alerts, 0u);
  EXPECT_EQ(summary.files, 0u);
  state->begin_input();
  EXPECT_TRUE(state->first_sighting("e1", "2024-05-01T10:00:00Z"));
  state->rollback_input();
}

TEST_F(StateTest, CallsOutsideTheirPhaseAreLogicErrors) {
  auto state = open_state();
  EXPECT_THROW(state->first_sighting("e1", ""), std::logic_error);
  EXPECT_THROW(state->add_alert(make_alert("r", "a", "1", ""), k_window), std::logic_error);
  EXPECT_THROW(state->commit_input("f", 1, 1, true), std::logic_error);
  state->begin_input();
  EXPECT_THROW(state->begin_input(), std::logic_error);
  EXPECT_THROW(state->mark_delivered(1), std::logic_error);
  state->rollback_input();
}

TEST_F(StateTest, AlertsMergeWithinWindowOnlyForSameRuleActorAccount) {
  auto state = open_state();
  state->begin_input();
  EXPECT_TRUE(state->add_alert(make_alert("r1", "alice", "111", "2024-05-01T10:00:00Z"), k_window));
  // Within 60 minutes of the first: merged.
  EXPECT_FALSE(
      state->add_alert(make_alert("r1", "alice", "111", "2024-05-01T10:30:00Z"), k_window));
  EXPECT_FALSE(
      state->add_alert(make_alert("r1", "alice", "111", "2024-05-01T09:00:00Z"), k_window));
  Alert heavy = make_alert("r1", "alice", "111", "2024-05-01T10:59:59.500Z");
  heavy.count = 5;
  EXPECT_FALSE(state->add_alert(heavy, k_window));
  // 90 minutes after the first alert: a new window, not merged (windows do not slide).
  EXPECT_TRUE(state->add_alert(make_alert("r1", "alice", "111", "2024-05-01T11:30:00Z"), k_window));
  // Another rule, actor or account: never merged.
  EXPECT_TRUE(state->add_alert(make_alert("r2", "alice", "111", "2024-05-01T10:00:00Z"), k_window));
  EXPECT_TRUE(state->add_alert(make_alert("r1", "bob", "111", "2024-05-01T10:00:00Z"), k_window));
  EXPECT_TRUE(state->add_alert(make_alert("r1", "alice", "222", "2024-05-01T10:00:00Z"), k_window));
  // Unparseable times never merge.
  EXPECT_TRUE(state->add_alert(make_alert("r1", "alice", "111", "yesterday"), k_window));
  EXPECT_TRUE(state->add_alert(make_alert("r1", "alice", "111", "yesterday"), k_window));
  // A shorter window keeps alerts apart that 60 minutes would merge.
  EXPECT_TRUE(state->add_alert(make_alert("r3", "alice", "111", "2024-05-01T10:00:00Z"), k_window));
  EXPECT_TRUE(
      state->add_alert(make_alert("r3", "alice", "111", "2024-05-01T10:30:00Z"), minutes(10)));
  state->commit_input("f", 1, 1, true);

  const auto pending = state->pending_alerts();
  ASSERT_EQ(pending.size(), 9u);
  for (std::size_t i = 1; i < pending.size(); ++i) {
    EXPECT_LT(pending[i - 1].id, pending[i].id);
  }
  EXPECT_EQ(pending[0].alert.count, 8u); // 1 + 1 + 1 + 5
  EXPECT_EQ(pending[0].alert.event.event_time, "2024-05-01T10:00:00Z");
  for (std::size_t i = 1; i < pending.size(); ++i) {
    EXPECT_EQ(pending[i].alert.count, 1u) << i;
  }
  EXPECT_EQ(pending[1].alert.event.event_time, "2024-05-01T11:30:00Z");
  EXPECT_EQ(pending[2].alert.rule_id, "r2");
  EXPECT_EQ(pending[3].alert.event.actor, "bob");
  EXPECT_EQ(pending[4].alert.event.account, "222");
}

TEST_F(StateTest, MergesAcrossInputsAndRuns) {
  {
    auto state = open_state();
    add_input(*state, {make_alert("r1", "alice", "111", "2024-05-01T10:00:00Z")});
  }
  auto state = open_state();
  state->begin_input();
  EXPECT_FALSE(
      state->add_alert(make_alert("r1", "alice", "111", "2024-05-01T10:20:00Z"), k_window));
  state->commit_input("", 0, 0, true);
  const auto pending = state->pending_alerts();
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].alert.count, 2u);
  EXPECT_EQ(state->summary().files, 0u); // an empty path (stdin) records no file
}

TEST_F(StateTest, MarkDeliveredRemovesFromPendingAndSurvivesReopen) {
  std::int64_t first = 0;
  {
    auto state = open_state();
    add_input(*state, {make_alert("r1", "alice", "111", "2024-05-01T10:00:00Z"),
                       make_alert("r2", "alice", "111", "2024-05-01T10:00:00Z")});
    auto pending = state->pending_alerts();
    ASSERT_EQ(pending.size(), 2u);
    first = pending[0].id;
    state->mark_delivered(first);
    state->mark_delivered(first); // idempotent
    pending = state->pending_alerts();
    ASSERT_EQ(pending.size(), 1u);
    EXPECT_EQ(pending[0].alert.rule_id, "r2");
    EXPECT_NE(fatal_message([&] { state->mark_delivered(9999); }).find("no alert 9999"),
              std::string::npos);
  }
  auto state = open_state();
  const auto pending = state->pending_alerts();
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].alert.rule_id, "r2");
  const StateSummary summary = state->summary();
  EXPECT_EQ(summary.alerts, 2u);
  EXPECT_EQ(summary.pending, 1u);
  EXPECT_EQ(summary.delivered, 1u);
}

TEST_F(StateTest, MergingIntoDeliveredAlertMakesNoPendingRow) {
  auto state = open_state();
  add_input(*state, {make_alert("r1", "alice", "111", "2024-05-01T10:00:00Z")});
  const auto id = state->pending_alerts().at(0).id;
  state->mark_delivered(id);
  state->begin_input();
  EXPECT_FALSE(
      state->add_alert(make_alert("r1", "alice", "111", "2024-05-01T10:40:00Z"), k_window));
  state->commit_input("f", 1, 1, true);
  EXPECT_TRUE(state->pending_alerts().empty());
  EXPECT_EQ(state->summary().delivered, 1u);
  state.reset();
  EXPECT_EQ(raw_query(m_path, "SELECT count FROM alerts WHERE id = " + std::to_string(id)), "2");
}

TEST_F(StateTest, PendingAlertKeepsEveryField) {
  Alert alert = make_alert("r1", "alice", "111", "2024-05-01T10:00:00Z");
  alert.event.event_type = "AwsApiCall";
  alert.event.identity.user_name = "alice";
  alert.event.identity.principal_id = "AIDAEXAMPLE";
  alert.event.identity.account_id = "111";
  alert.event.identity.session_issuer_user_name = "Admin";
  alert.event.identity.source_identity = "src";
  alert.event.identity.identity_store_id = "d-123";
  alert.event.identity.identity_user_id = "u-1";
  alert.event.identity.identity_provider = "idp";
  alert.event.identity.arn = "arn:aws:iam::111:user/alice";
  alert.event.launch.is_launch_api = true;
  alert.event.launch.launched_count = 3;
  alert.geo.ip = "203.0.113.9";
  alert.geo.asn = 64500;
  auto state = open_state();
  add_input(*state, {alert});
  const auto pending = state->pending_alerts();
  ASSERT_EQ(pending.size(), 1u);
  const Alert& back = pending[0].alert;
  EXPECT_EQ(alert_to_json(back), alert_to_json(alert));
  EXPECT_EQ(back.event.event_type, "AwsApiCall");
  EXPECT_EQ(back.event.identity.user_name, "alice");
  EXPECT_EQ(back.event.identity.principal_id, "AIDAEXAMPLE");
  EXPECT_EQ(back.event.identity.account_id, "111");
  EXPECT_EQ(back.event.identity.session_issuer_user_name, "Admin");
  EXPECT_EQ(back.event.identity.source_identity, "src");
  EXPECT_EQ(back.event.identity.identity_store_id, "d-123");
  EXPECT_EQ(back.event.identity.identity_user_id, "u-1");
  EXPECT_EQ(back.event.identity.identity_provider, "idp");
  EXPECT_TRUE(back.event.launch.is_launch_api);
  EXPECT_EQ(back.geo.ip, "203.0.113.9");
}

TEST_F(StateTest, SummaryCountsAndLastRun) {
  auto state = open_state();
  const auto run = state->begin_run();
  state->begin_input();
  state->first_sighting("e1", "2024-05-01T10:00:00Z");
  state->first_sighting("e2", "2024-05-01T10:00:00Z");
  state->add_alert(make_alert("r1", "alice", "111", "2024-05-01T10:00:00Z"), k_window);
  state->add_alert(make_alert("r2", "alice", "111", "2024-05-01T10:00:00Z"), k_window);
  state->add_alert(make_alert("r2", "alice", "111", "2024-05-01T10:01:00Z"), k_window);
  state->commit_input("a", 1, 1, true);
  state->begin_input();
  state->commit_input("b", 1, 1, false);
  StateSummary summary = state->summary();
  EXPECT_FALSE(summary.last_run_started.empty());
  EXPECT_TRUE(summary.last_run_finished.empty());
  EXPECT_TRUE(summary.last_run_status.empty());
  state->mark_delivered(state->pending_alerts().at(0).id);
  state->finish_run(run, "alerts");
  summary = state->summary();
  EXPECT_EQ(summary.files, 1u); // "b" failed half-way: not recorded as read
  EXPECT_EQ(summary.events, 2u);
  EXPECT_EQ(summary.alerts, 2u);
  EXPECT_EQ(summary.pending, 1u);
  EXPECT_EQ(summary.delivered, 1u);
  EXPECT_EQ(summary.last_run_status, "alerts");
  EXPECT_FALSE(summary.last_run_finished.empty());
  EXPECT_EQ(summary.schema_version, State::k_schema_version);
  const auto second = state->begin_run();
  EXPECT_GT(second, run);
  EXPECT_TRUE(state->summary().last_run_status.empty());
}

TEST_F(StateTest, PruneDropsEventIdsOlderThanKeep) {
  auto state = open_state();
  state->begin_input();
  state->first_sighting("old", "2024-01-01T00:00:00Z");
  state->first_sighting("new", "2024-01-10T00:00:00Z");
  state->first_sighting("untimed", "garbage");
  state->commit_input("", 0, 0, true);
  state->prune_events(std::chrono::hours(24));
  EXPECT_EQ(state->summary().events, 2u);
  state->begin_input();
  EXPECT_TRUE(state->first_sighting("old", "2024-01-01T00:00:00Z"));
  EXPECT_FALSE(state->first_sighting("new", "2024-01-10T00:00:00Z"));
  EXPECT_FALSE(state->first_sighting("untimed", "garbage"));
  state->rollback_input();
}

TEST_F(StateTest, SecondOpenInSameProcessFailsWhileFirstIsAlive) {
  auto first = open_state();
  const std::string message = fatal_message([&] { open_state(); });
  EXPECT_NE(message.find("is in use by another trailwatch run"), std::string::npos) << message;
  EXPECT_NE(message.find("pid " + std::to_string(::getpid())), std::string::npos) << message;
  EXPECT_NE(message.find(m_path), std::string::npos) << message;
  first.reset();
  EXPECT_NO_THROW(open_state());
}

// A child process opens the state, says "ready" on one pipe and holds the state until the parent
// closes the other pipe.
class LockHolder {
public:
  explicit LockHolder(const std::string& path) {
    int ready[2];
    int release[2];
    EXPECT_EQ(::pipe(ready), 0);
    EXPECT_EQ(::pipe(release), 0);
    m_pid = ::fork();
    if (m_pid == 0) {
      ::close(ready[0]);
      ::close(release[1]);
      int code = 0;
      try {
        auto state = State::open(path, milliseconds(5000));
        char byte = 'r';
        code = ::write(ready[1], &byte, 1) == 1 ? 0 : 1;
        // Returns at EOF, when the parent closes its end.
        if (::read(release[0], &byte, 1) < 0) {
          code = 3;
        }
      } catch (...) {
        code = 2;
      }
      ::_exit(code);
    }
    ::close(ready[1]);
    ::close(release[0]);
    m_release = release[1];
    char byte = 0;
    m_ready = ::read(ready[0], &byte, 1) == 1;
    ::close(ready[0]);
  }
  ~LockHolder() { EXPECT_EQ(release(), 0); }
  // Lets the child finish; returns its exit status.
  int release() {
    if (m_release >= 0) {
      ::close(m_release);
      m_release = -1;
      int status = 0;
      ::waitpid(m_pid, &status, 0);
      m_status = WIFEXITED(status) ? WEXITSTATUS(status) : 100;
    }
    return m_status;
  }
  bool ready() const { return m_ready; }
  pid_t pid() const { return m_pid; }

private:
  pid_t m_pid = -1;
  int m_release = -1;
  int m_status = 0;
  bool m_ready = false;
};

TEST_F(StateTest, SecondProcessIsLockedOutUntilFirstEnds) {
  LockHolder holder(m_path);
  ASSERT_TRUE(holder.ready());
  const std::string message = fatal_message([&] { open_state(); });
  EXPECT_NE(message.find("is in use by another trailwatch run (pid " +
                         std::to_string(holder.pid()) + ")"),
            std::string::npos)
      << message;
  EXPECT_EQ(holder.release(), 0);
  auto state = open_state();
  EXPECT_EQ(state->summary().schema_version, State::k_schema_version);
}

TEST_F(StateTest, WaitingOpenSucceedsWhenHolderEnds) {
  LockHolder holder(m_path);
  ASSERT_TRUE(holder.ready());
  auto waiting =
      std::async(std::launch::async, [&] { return State::open(m_path, milliseconds(30000)); });
  EXPECT_EQ(holder.release(), 0);
  auto state = waiting.get();
  ASSERT_NE(state, nullptr);
}

TEST_F(StateTest, RefusesFileThatIsNotSqlite) {
  write_bytes(m_path, "hello");
  const std::string message = fatal_message([&] { open_state(); });
  EXPECT_NE(message.find("not an SQLite database"), std::string::npos) << message;
  EXPECT_NE(message.find(m_path), std::string::npos) << message;
  EXPECT_EQ(read_bytes(m_path), "hello");
}

TEST_F(StateTest, RefusesSqliteFileOfAnotherProgram) {
  raw_exec(m_path, "CREATE TABLE t(x); INSERT INTO t VALUES(1);");
  const std::string before = read_bytes(m_path);
  const std::string message = fatal_message([&] { open_state(); });
  EXPECT_NE(message.find("not a trailwatch state"), std::string::npos) << message;
  EXPECT_EQ(read_bytes(m_path), before);
}

// A state with enough eventIDs to span many pages, closed (so the WAL is checkpointed).
void fill_state(const std::string& path) {
  auto state = State::open(path, k_short_wait);
  state->begin_input();
  for (int i = 0; i < 3000; ++i) {
    state->first_sighting("event-" + std::to_string(i) + "-padding-padding-padding",
                          "2024-05-01T10:00:00Z");
  }
  state->commit_input("f", 1, 1, true);
}

TEST_F(StateTest, RefusesCorruptFile) {
  fill_state(m_path);
  std::string bytes = read_bytes(m_path);
  const std::size_t page = 4096;
  ASSERT_GT(bytes.size(), 8 * page);
  // Overwrite the middle of a page with garbage.
  const std::size_t middle = (bytes.size() / page / 2) * page;
  for (std::size_t i = middle; i < middle + page; ++i) {
    bytes[i] = static_cast<char>(0xA5 ^ (i & 0xff));
  }
  write_bytes(m_path, bytes);
  const std::string message = fatal_message([&] { open_state(); });
  EXPECT_NE(message.find("corrupt"), std::string::npos) << message;
  EXPECT_EQ(read_bytes(m_path), bytes);
}

TEST_F(StateTest, RefusesTruncatedFile) {
  fill_state(m_path);
  const std::string bytes = read_bytes(m_path);
  const std::string truncated = bytes.substr(0, bytes.size() / 2);
  write_bytes(m_path, truncated);
  const std::string message = fatal_message([&] { open_state(); });
  EXPECT_NE(message.find("corrupt"), std::string::npos) << message;
  EXPECT_EQ(read_bytes(m_path), truncated);
}

TEST_F(StateTest, RefusesNewerSchema) {
  open_state().reset();
  raw_exec(m_path, "PRAGMA user_version = 99");
  const std::string before = read_bytes(m_path);
  const std::string message = fatal_message([&] { open_state(); });
  EXPECT_NE(message.find("newer trailwatch"), std::string::npos) << message;
  EXPECT_NE(message.find("99"), std::string::npos) << message;
  EXPECT_EQ(read_bytes(m_path), before);
  EXPECT_EQ(raw_query(m_path, "PRAGMA user_version"), "99");
}

// Runs `body` in a child process; returns the text it wrote to the pipe it gets, and its exit
// status through `status`.
template <typename F> std::string in_child(F&& body, int& status) {
  int out[2];
  EXPECT_EQ(::pipe(out), 0);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(out[0]);
    int code = 0;
    try {
      code = body(out[1]);
    } catch (...) {
      code = 3;
    }
    ::_exit(code);
  }
  ::close(out[1]);
  std::string text;
  char buffer[256];
  ssize_t got = 0;
  while ((got = ::read(out[0], buffer, sizeof buffer)) > 0) {
    text.append(buffer, static_cast<std::size_t>(got));
  }
  ::close(out[0]);
  int raw = 0;
  ::waitpid(pid, &raw, 0);
  status = WIFEXITED(raw) ? WEXITSTATUS(raw) : 100;
  return text;
}

void say(int fd, const std::string& text) {
  if (::write(fd, text.data(), text.size()) < 0) {
    ::_exit(4);
  }
}

// Permissions are only enforced for other users, so as root the child drops to "nobody" first.
TEST_F(StateTest, ReadOnlyStateIsRefused) {
  {
    auto state = open_state();
    add_input(*state, {make_alert("r1", "alice", "111", "2024-05-01T10:00:00Z")});
  }
  const std::string before = read_bytes(m_path);
  const auto read_only = fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read;
  const auto exec = fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec;
  fs::permissions(m_path, read_only);
  fs::permissions(m_dir, read_only | exec);
  int status = 0;
  const std::string report = in_child(
      [&](int out) {
        if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0)) {
          return 6;
        }
        try {
          open_state();
          say(out, "open succeeded\n");
        } catch (const Fatal& error) {
          say(out, std::string("open: ") + error.what() + "\n");
        }
        return 0;
      },
      status);
  fs::permissions(m_dir, fs::perms::owner_all);
  fs::permissions(m_path, fs::perms::owner_read | fs::perms::owner_write);
  if (status == 6) {
    GTEST_SKIP() << "running as root and cannot switch to user nobody: permissions not enforced";
  }
  ASSERT_EQ(status, 0) << report;
  EXPECT_NE(report.find("open: state file " + m_path + " is read-only"), std::string::npos)
      << report;
  EXPECT_EQ(read_bytes(m_path), before);
  EXPECT_EQ(open_state()->pending_alerts().size(), 1u);
}

// A file-size limit of 0 makes every write fail with EFBIG, as a full disk would; it works as
// root too. The child commits an alert, then sees the next commit and mark_delivered fail.
TEST_F(StateTest, WriteFailuresAreFatalAndMarkNothingDelivered) {
  int status = 0;
  const std::string report = in_child(
      [&](int out) {
        auto state = open_state();
        add_input(*state, {make_alert("r1", "alice", "111", "2024-05-01T10:00:00Z")});
        const auto id = state->pending_alerts().at(0).id;
        ::signal(SIGXFSZ, SIG_IGN);
        const rlimit limit{0, 0};
        if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) {
          return 5;
        }
        state->begin_input();
        state->first_sighting("e9", "2024-05-01T10:00:00Z");
        state->add_alert(make_alert("r2", "bob", "111", "2024-05-01T10:00:00Z"), k_window);
        try {
          state->commit_input("g", 1, 1, true);
          say(out, "commit succeeded\n");
        } catch (const Fatal& error) {
          say(out, std::string("commit: ") + error.what() + "\n");
        }
        try {
          state->mark_delivered(id);
          say(out, "delivered succeeded\n");
        } catch (const Fatal& error) {
          say(out, std::string("delivered: ") + error.what() + "\n");
        }
        return 0;
      },
      status);
  ASSERT_EQ(status, 0) << report;
  EXPECT_NE(report.find("commit: state file " + m_path), std::string::npos) << report;
  EXPECT_NE(report.find("delivered: state file " + m_path), std::string::npos) << report;
  EXPECT_EQ(report.find("succeeded"), std::string::npos) << report;
  auto state = open_state();
  const auto pending = state->pending_alerts();
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].alert.rule_id, "r1");
  EXPECT_FALSE(state->file_done("g", 1, 1));
  EXPECT_EQ(state->summary().delivered, 0u);
}

TEST(StateTime, ParsesRfc3339Utc) {
  EXPECT_EQ(parse_event_time("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parse_event_time("2024-05-01T10:00:00Z"), 1714557600);
  EXPECT_EQ(parse_event_time("2024-05-01T10:00:00.123Z"), 1714557600);
  EXPECT_EQ(parse_event_time("2024-02-29T00:00:00Z"), 1709164800);
  EXPECT_FALSE(parse_event_time("2023-02-29T00:00:00Z"));
  EXPECT_FALSE(parse_event_time("2024-13-01T00:00:00Z"));
  EXPECT_FALSE(parse_event_time("2024-05-01T24:00:00Z"));
  EXPECT_FALSE(parse_event_time("2024-05-01T10:00:00"));
  EXPECT_FALSE(parse_event_time("2024-05-01T10:00:00.Z"));
  EXPECT_FALSE(parse_event_time("2024-05-01 10:00:00Z"));
  EXPECT_FALSE(parse_event_time(""));
}

TEST(AlertJson, RoundTripsEveryField) {
  Alert a;
  a.rule_id = "ec2-gpu";
  a.rule_title = "GPU \"launch\" \\ ü";
  a.level = Level::critical;
  a.count = 7;
  Event& e = a.event;
  e.event_id = "id-1";
  e.event_time = "2024-05-01T10:00:00Z";
  e.event_name = "RunInstances";
  e.event_source = "ec2.amazonaws.com";
  e.aws_region = "us-east-1";
  e.account = "111122223333";
  e.recipient_account_id = "444455556666";
  e.actor = "alice";
  e.identity.type = "IAMUser";
  e.identity.arn = "arn:aws:iam::111122223333:user/alice";
  e.identity.access_key_id = "AKIAEXAMPLE";
  e.identity.invoked_by = "cloudformation.amazonaws.com";
  e.source_ip = "203.0.113.9";
  e.user_agent = "aws-cli/2\nline";
  e.error_code = "Client.DryRunOperation";
  e.error_message = "would have succeeded";
  e.origin = {"s3://bucket/key.json.gz", 42};
  LaunchFacts& l = e.launch;
  l.outcome = Outcome::dryrun;
  l.instance_types = {"p5.48xlarge", "g5.xlarge"};
  l.request_types = {"p5.48xlarge"};
  l.response_types = {"g5.xlarge"};
  l.min_count = 1;
  l.max_count = -3;
  l.launched_count = 2;
  l.instances = {{"i-1", "g5.xlarge", "10.0.0.1", "us-east-1a"}, {"i-2", "", "", ""}};
  l.launch_template = "lt-123 v3";
  GeoInfo& g = a.geo;
  g.kind = SourceKind::public_ip;
  g.country = "DE";
  g.country_name = "Germany";
  g.city = "Berlin";
  g.asn = 4294967295u;
  g.asn_org = "Example";

  const std::string json = alert_to_json(a);
  const Alert b = alert_from_json(json);
  EXPECT_EQ(alert_to_json(b), json);
  EXPECT_EQ(b.rule_id, a.rule_id);
  EXPECT_EQ(b.rule_title, a.rule_title);
  EXPECT_EQ(b.level, a.level);
  EXPECT_EQ(b.count, a.count);
  EXPECT_EQ(b.event.event_id, e.event_id);
  EXPECT_EQ(b.event.event_time, e.event_time);
  EXPECT_EQ(b.event.event_name, e.event_name);
  EXPECT_EQ(b.event.event_source, e.event_source);
  EXPECT_EQ(b.event.aws_region, e.aws_region);
  EXPECT_EQ(b.event.account, e.account);
  EXPECT_EQ(b.event.recipient_account_id, e.recipient_account_id);
  EXPECT_EQ(b.event.actor, e.actor);
  EXPECT_EQ(b.event.identity.type, e.identity.type);
  EXPECT_EQ(b.event.identity.arn, e.identity.arn);
  EXPECT_EQ(b.event.identity.access_key_id, e.identity.access_key_id);
  EXPECT_EQ(b.event.identity.invoked_by, e.identity.invoked_by);
  EXPECT_EQ(b.event.source_ip, e.source_ip);
  EXPECT_EQ(b.event.user_agent, e.user_agent);
  EXPECT_EQ(b.event.error_code, e.error_code);
  EXPECT_EQ(b.event.error_message, e.error_message);
  EXPECT_EQ(b.event.origin.source, e.origin.source);
  EXPECT_EQ(b.event.origin.record, e.origin.record);
  EXPECT_EQ(b.event.launch.outcome, l.outcome);
  EXPECT_EQ(b.event.launch.instance_types, l.instance_types);
  EXPECT_EQ(b.event.launch.request_types, l.request_types);
  EXPECT_EQ(b.event.launch.response_types, l.response_types);
  EXPECT_EQ(b.event.launch.min_count, l.min_count);
  EXPECT_EQ(b.event.launch.max_count, l.max_count);
  EXPECT_EQ(b.event.launch.launched_count, l.launched_count);
  ASSERT_EQ(b.event.launch.instances.size(), 2u);
  EXPECT_EQ(b.event.launch.instances[0].id, "i-1");
  EXPECT_EQ(b.event.launch.instances[0].type, "g5.xlarge");
  EXPECT_EQ(b.event.launch.instances[0].private_ip, "10.0.0.1");
  EXPECT_EQ(b.event.launch.instances[0].availability_zone, "us-east-1a");
  EXPECT_EQ(b.event.launch.instances[1].id, "i-2");
  EXPECT_EQ(b.event.launch.launch_template, l.launch_template);
  EXPECT_EQ(b.geo.kind, g.kind);
  EXPECT_EQ(b.geo.country, g.country);
  EXPECT_EQ(b.geo.country_name, g.country_name);
  EXPECT_EQ(b.geo.city, g.city);
  EXPECT_EQ(b.geo.asn, g.asn);
  EXPECT_EQ(b.geo.asn_org, g.asn_org);
}

TEST(AlertJson, RoundTripsEmptyAndAbsentValues) {
  Alert a;
  a.rule_id = "r";
  for (const SourceKind kind :
       {SourceKind::unknown, SourceKind::private_ip, SourceKind::aws_service,
        SourceKind::aws_internal, SourceKind::invalid, SourceKind::empty}) {
    a.geo.kind = kind;
    const Alert b = alert_from_json(alert_to_json(a));
    EXPECT_EQ(b.geo.kind, kind);
    EXPECT_FALSE(b.geo.asn);
    EXPECT_FALSE(b.event.launch.min_count);
    EXPECT_TRUE(b.event.event_id.empty());
    EXPECT_TRUE(b.event.launch.instances.empty());
    EXPECT_EQ(alert_to_json(b), alert_to_json(a));
  }
}

TEST(AlertJson, RejectsMalformedInput) {
  for (const char* bad : {"", "{", "[]", "42", R"({"title":"no rule"})", R"({"rule":1})",
                          R"({"rule":"r","level":"severe"})", R"({"rule":"r","outcome":"x"})",
                          R"({"rule":"r","sourceKind":"moon"})", R"({"rule":"r","count":-1})",
                          R"({"rule":"r","asn":4294967296})", R"({"rule":"r","instances":{}})",
                          R"({"rule":"r","instanceTypes":[1]})", R"({"rule":"r","source":"f"})"}) {
    SCOPED_TRACE(bad);
    EXPECT_THROW(alert_from_json(bad), std::runtime_error);
  }
}

// Schema 1 → 2 (issue 9): file keys become canonical absolute paths; relative keys resolve
// against the migrating run's directory, and where two spellings meet one row remains. The
// version-1 file is written by hand with the schema-1 `files` table (the rest of the schema is
// the same as version 1's for what this test reads).
TEST_F(StateTest, MigrationTwoCanonicalisesFileKeys) {
  fs::create_directories(m_dir + "/logs/sub");
  std::ofstream(m_dir + "/logs/sub/a.json.gz") << "x";
  std::ofstream(m_dir + "/logs/sub/b.json.gz") << "x";
  raw_exec(m_path, R"sql(
CREATE TABLE runs (id INTEGER PRIMARY KEY, started TEXT NOT NULL, finished TEXT, status TEXT,
                   pid INTEGER NOT NULL);
CREATE TABLE files (path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
                    complete INTEGER NOT NULL, run_id INTEGER REFERENCES runs(id),
                    updated TEXT NOT NULL);
CREATE TABLE events (event_id TEXT PRIMARY KEY, event_time TEXT NOT NULL, event_epoch INTEGER,
                     seen_epoch INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX events_by_time ON events(event_epoch);
CREATE TABLE alerts (id INTEGER PRIMARY KEY AUTOINCREMENT, rule_id TEXT NOT NULL,
                     actor TEXT NOT NULL, account TEXT NOT NULL, event_time TEXT NOT NULL,
                     event_epoch INTEGER, count INTEGER NOT NULL, json TEXT NOT NULL,
                     extra TEXT NOT NULL, run_id INTEGER REFERENCES runs(id),
                     created TEXT NOT NULL, delivered TEXT);
CREATE INDEX alerts_by_key ON alerts(rule_id, actor, account, event_epoch);
CREATE INDEX alerts_pending ON alerts(id) WHERE delivered IS NULL;
PRAGMA application_id = 1416784983;
PRAGMA user_version = 1;
)sql" + fmt_rows({m_dir + "/logs/./sub/../sub/a.json.gz|1", "logs/sub/b.json.gz|2",
                  m_dir + "/logs/sub/b.json.gz|2"}));
  const fs::path cwd = fs::current_path();
  fs::current_path(m_dir);
  auto state = open_state();
  fs::current_path(cwd);
  EXPECT_EQ(state->summary().schema_version, State::k_schema_version);
  const std::string canonical_dir = fs::canonical(m_dir).string();
  EXPECT_TRUE(state->file_done(canonical_dir + "/logs/sub/a.json.gz", 1, 1));
  EXPECT_TRUE(state->file_done(canonical_dir + "/logs/sub/b.json.gz", 2, 2));
  EXPECT_EQ(raw_query(m_path, "SELECT count(*) FROM files"), "2");
}

// Schema 3 → 4 (issue 12): a state written by the schema-3 build (tests/data/state_schema3.sql)
// keeps what it knew: files read (and not the one read half-way), delivered and pending alerts,
// the reading mark of the run that died; file rows become (folder, name) rows.
TEST_F(StateTest, MigrationFourKeepsASchemaThreeState) {
  raw_exec(m_path, read_bytes(TRAILWATCH_TEST_DATA "/state_schema3.sql"));
  ASSERT_EQ(raw_query(m_path, "PRAGMA user_version"), "3");
  auto state = open_state();
  const StateSummary summary = state->summary();
  EXPECT_EQ(summary.schema_version, 4);
  EXPECT_EQ(summary.files, 3u);
  EXPECT_EQ(summary.alerts, 5u);
  EXPECT_EQ(summary.delivered, 4u);
  ASSERT_EQ(state->pending_alerts().size(), 1u);
  EXPECT_FALSE(state->pending_alerts()[0].alert.event.event_id.empty());
  const std::string ex = "/tmp/tw-schema3/AWSLogs/";
  EXPECT_TRUE(state->file_done(ex + "111122223333/CloudTrail/us-east-1/2026/11/27/"
                                    "111122223333_CloudTrail_us-east-1_20261127T0310Z_"
                                    "Xa9kP2mQ7rT4vW1z.json.gz",
                               1740, 1796190125291429845));
  EXPECT_TRUE(state->file_done("/tmp/tw-schema3/more/launch.json", 1938, 1796190125303205011));
  EXPECT_FALSE(state->file_done("/tmp/tw-schema3/more/launch.json", 1938, 1));
  EXPECT_FALSE(state->file_done("/tmp/tw-schema3/more/cut.json.gz", 417, 1796190125311209721));
  const auto suspects = state->suspect_files();
  ASSERT_EQ(suspects.size(), 1u);
  EXPECT_EQ(suspects[0].file.path, "/tmp/tw-schema3/poison.json");
  EXPECT_EQ(suspects[0].attempts, 1);
  EXPECT_EQ(raw_query(m_path, "SELECT count(*) FROM folders"), "3");
  // The delivery time comes from the key: the examples' stamps, none for the flat folder.
  EXPECT_EQ(raw_query(m_path, "SELECT count(*) FROM files WHERE delivered IS NULL"), "1");
  EXPECT_EQ(raw_query(m_path, "PRAGMA integrity_check"), "ok");
}

// Poison inputs (issue 13): an input a run started and did not finish before it died counts an
// attempt when the state is opened next (a State destroyed with the mark open stands for the
// dead run); finishing the input clears it; a changed file starts again; suspect_files lists them.
TEST_F(StateTest, ReadingMarksCountRunsThatDied) {
  const FileId file{"/logs/poison.json.gz", 10, 20};
  {
    auto state = open_state();
    EXPECT_EQ(state->reading_attempts(file), 0);
    state->mark_reading(file);
  } // the run "dies": its log names the file as started
  {
    auto state = open_state();
    EXPECT_EQ(state->reading_attempts(file), 1);
    state->mark_reading(file); // retried once
  }
  {
    auto state = open_state();
    EXPECT_EQ(state->reading_attempts(file), State::k_quarantine_attempts);
    const auto suspects = state->suspect_files();
    ASSERT_EQ(suspects.size(), 1u);
    EXPECT_EQ(suspects[0].file.path, file.path);
    EXPECT_EQ(suspects[0].attempts, 2);
    // The file changed: its old attempts do not count.
    EXPECT_EQ(state->reading_attempts(FileId{file.path, 11, 20}), 0);
    state->mark_reading(FileId{file.path, 11, 20});
  }
  {
    auto state = open_state();
    EXPECT_EQ(state->reading_attempts(FileId{file.path, 11, 20}), 1);
    // Reading it to the end clears the mark.
    state->mark_reading(FileId{file.path, 11, 20});
    state->begin_input();
    state->commit_input(file.path, 11, 20, true);
    EXPECT_EQ(state->reading_attempts(FileId{file.path, 11, 20}), 0);
    EXPECT_TRUE(state->suspect_files().empty());
  }
  auto state = open_state();
  EXPECT_TRUE(state->suspect_files().empty());
  EXPECT_TRUE(state->file_done(file.path, 11, 20));
}

// Issue 12: inputs commit in batches. A batch is invisible to other connections until it
// commits; an input that adds an outbox alert commits at once; a run that dies mid-batch loses
// the batch (its files are read again) but does not suspect inputs it finished; rollback_input
// keeps the inputs before it.
TEST_F(StateTest, BatchesCommitManyInputsTogether) {
  const std::string a = m_dir + "/logs/a.json", b = m_dir + "/logs/b.json",
                    c = m_dir + "/logs/c.json", d = m_dir + "/logs/d.json";
  {
    auto state = open_state();
    state->set_batching(Batching{100, std::chrono::hours(1)});
    for (const auto& file : {a, b}) {
      state->mark_reading(FileId{file, 1, 1});
      state->begin_input();
      EXPECT_TRUE(state->first_sighting("e-" + file, "2024-05-01T10:00:00Z"));
      state->commit_input(file, 1, 1, true);
    }
    EXPECT_EQ(raw_query(m_path, "SELECT count(*) FROM files"), "0"); // not committed yet
    EXPECT_TRUE(state->file_done(a, 1, 1));                          // but seen by this run
    state->commit_batch();
    EXPECT_EQ(raw_query(m_path, "SELECT count(*) FROM files"), "2");

    // An alert commits its batch at once.
    state->begin_input();
    state->first_sighting("e-c", "2024-05-01T10:00:00Z");
    state->add_alert(make_alert("r1", "alice", "111", "2024-05-01T10:00:00Z"), k_window);
    state->commit_input(c, 1, 1, true);
    EXPECT_EQ(raw_query(m_path, "SELECT count(*) FROM alerts"), "1");
    EXPECT_EQ(raw_query(m_path, "SELECT count(*) FROM files"), "3");

    // d is finished, then a later input is abandoned: d stays in the batch.
    state->mark_reading(FileId{d, 1, 1});
    state->begin_input();
    state->commit_input(d, 1, 1, true);
    state->begin_input();
    state->first_sighting("e-abandoned", "2024-05-01T10:00:00Z");
    state->rollback_input();
    EXPECT_TRUE(state->file_done(d, 1, 1));
    EXPECT_THROW(state->pending_alerts(), std::logic_error); // only committed alerts go out
  } // the run "dies" with d finished but not committed
  auto state = open_state();
  EXPECT_FALSE(state->file_done(d, 1, 1));                // read again
  EXPECT_EQ(state->reading_attempts(FileId{d, 1, 1}), 0); // not suspected
  EXPECT_TRUE(state->file_done(a, 1, 1));
  EXPECT_EQ(state->pending_alerts().size(), 1u);
  state->begin_input();
  EXPECT_FALSE(state->first_sighting("e-" + a, "2024-05-01T10:00:00Z")); // committed with a
  EXPECT_TRUE(state->first_sighting("e-abandoned", "2024-05-01T10:00:00Z"));
  state->rollback_input();
}

// Issue 12: files are forgotten by the delivery time their key shows; keys showing none are
// kept; folders left empty go too.
TEST_F(StateTest, ForgetsFilesDeliveredBeforeTheCutoff) {
  const std::string day = "/s/AWSLogs/1/CloudTrail/us-east-1/2024/05/";
  const std::string old_file = day + "01/1_CloudTrail_us-east-1_20240501T1000Z_a.json.gz";
  const std::string new_file = day + "03/1_CloudTrail_us-east-1_20240503T1000Z_b.json.gz";
  const std::string undated = "/s/flat/c.json";
  auto state = open_state();
  for (const auto& file : {old_file, new_file, undated}) {
    state->begin_input();
    state->commit_input(file, 1, 1, true);
  }
  const auto cutoff = parse_event_time("2024-05-02T00:00:00Z");
  ASSERT_TRUE(cutoff);
  state->forget_files_delivered_before(*cutoff);
  EXPECT_FALSE(state->file_done(old_file, 1, 1));
  EXPECT_TRUE(state->file_done(new_file, 1, 1));
  EXPECT_TRUE(state->file_done(undated, 1, 1));
  EXPECT_EQ(state->summary().files, 2u);
  EXPECT_EQ(raw_query(m_path, "SELECT count(*) FROM folders"), "2");
}

} // namespace
} // namespace trailwatch
