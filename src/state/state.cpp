// SPDX-License-Identifier: MIT
// State: SQLite schema, transactions, outbox.
//
// Approach and traps:
// - One run at a time: an exclusive flock on the sidecar `FILE.lock` (holding the owner's pid for
//   the message). SQLite's own locks are POSIX fcntl locks on FILE, FILE-wal and FILE-shm; a
//   sidecar never touches them (closing any fd of FILE would drop SQLite's fcntl locks).
// - Nothing is written before the file is known to be ours: PRAGMA user_version and
//   application_id are read first (a non-SQLite file fails there with SQLITE_NOTADB), then the
//   schema version and PRAGMA quick_check are checked. Only then are journal_mode=WAL and
//   migrations applied. A bad file is refused with Fatal and left exactly as it was.
// - synchronous=FULL: in WAL mode NORMAL is already safe against corruption and kill -9, but a
//   power loss may undo the last commits; a lost "delivered" mark means a repeated Slack message.
//   Commits happen once per batch of inputs and once per delivery, so the extra fsync is cheap.
// - An input's events, alerts and its `files` row share one transaction: after a crash either
//   all of them are there or none, and the file is read again. Many inputs share one batch
//   transaction (BEGIN IMMEDIATE … COMMIT, each input a SAVEPOINT inside it), because a commit
//   costs an fsync: one per small file made a first run 40x slower than a run without state.
//   A batch commits early when an input added an outbox alert, so no alert waits on batching.
// - Files are rows of a WITHOUT ROWID table keyed by (folder id, name): a folder's path is stored
//   once, the key is not stored twice (table + index), and nothing but size, mtime and the
//   delivery time (to forget old files) is kept: about 75 bytes per CloudTrail file.
// - At the end of a run the WAL is checkpointed and truncated, so between runs the state is one
//   file (and a large first run does not leave a large WAL behind).
// - Statements are prepared once and reset after every use (Query), so no statement keeps a
//   read transaction open between calls.
#include "state/state.hpp"

#include "alert/alert_json.hpp"
#include "trailwatch/error.hpp"
#include "util/json_writer.hpp"
#include "util/paths.hpp"
#include "util/time.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <fmt/format.h>
#include <simdjson.h>
#include <sqlite3.h>
#include <stdexcept>
#include <sys/file.h>
#include <thread>
#include <unistd.h>

namespace trailwatch {
namespace {

// PRAGMA application_id of a trailwatch state ("TrlW"): tells our file from other SQLite files.
constexpr std::int32_t k_application_id = 0x54726c57;

// Schema migrations: k_migrations[i] takes user_version i to i + 1, in one transaction.
// Never edit a released step; append a new one and raise State::k_schema_version.
constexpr const char* k_migrations[] = {
    // 0 → 1: the first schema.
    R"sql(
CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  started TEXT NOT NULL,          -- RFC 3339 UTC
  finished TEXT,                  -- NULL while running or when the run was killed
  status TEXT,                    -- "ok" / "error" / "alerts"
  pid INTEGER NOT NULL
);
CREATE TABLE files (
  path TEXT PRIMARY KEY,
  size INTEGER NOT NULL,
  mtime_ns INTEGER NOT NULL,
  complete INTEGER NOT NULL,      -- 1 = fully processed; 0 = failed half-way, read again next run
  run_id INTEGER REFERENCES runs(id),
  updated TEXT NOT NULL
);
CREATE TABLE events (
  event_id TEXT PRIMARY KEY,
  event_time TEXT NOT NULL,
  event_epoch INTEGER,            -- NULL when eventTime did not parse
  seen_epoch INTEGER NOT NULL     -- wall clock when first seen
) WITHOUT ROWID;
CREATE INDEX events_by_time ON events(event_epoch);
CREATE TABLE alerts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  rule_id TEXT NOT NULL,
  actor TEXT NOT NULL,
  account TEXT NOT NULL,
  event_time TEXT NOT NULL,
  event_epoch INTEGER,            -- NULL when eventTime did not parse: never merged
  count INTEGER NOT NULL,         -- events merged into this alert
  json TEXT NOT NULL,             -- alert_to_json(alert, true): with the whole record
  extra TEXT NOT NULL,            -- fields alert_to_json does not write (extra_to_json)
  run_id INTEGER REFERENCES runs(id),
  created TEXT NOT NULL,
  delivered TEXT                  -- NULL = pending in the outbox
);
CREATE INDEX alerts_by_key ON alerts(rule_id, actor, account, event_epoch);
CREATE INDEX alerts_pending ON alerts(id) WHERE delivered IS NULL;
)sql",
    // 1 → 2: files are keyed by their canonical absolute path (a folder given relative, then
    // absolute, is one input). Relative keys resolve against the directory of the migrating
    // run (where a cron job runs). Where two spellings meet, the canonical row wins.
    R"sql(
UPDATE OR IGNORE files SET path = trailwatch_canonical_path(path);
DELETE FROM files WHERE path <> trailwatch_canonical_path(path);
)sql",
    // 2 → 3: files a run began reading and never finished (poison-input quarantine).
    R"sql(
CREATE TABLE reading (
  path TEXT PRIMARY KEY,          -- canonical absolute path
  size INTEGER NOT NULL,
  mtime_ns INTEGER NOT NULL,
  attempts INTEGER NOT NULL,      -- runs that began reading this version and did not commit it
  since TEXT NOT NULL             -- RFC 3339 UTC of the first such run
);
)sql",
    // 3 → 4 (issue 12): compact file rows. A file is keyed by its folder (a row of `folders`)
    // and its name in a WITHOUT ROWID table holding only what a run needs: size and mtime to
    // see a change, and the delivery time its key shows, to forget it once no run reads it
    // again. Only files read to their end are kept (an unfinished one is read again anyway).
    // Reading marks remember which dead run they counted (state/reading_log.hpp).
    R"sql(
CREATE TABLE folders (
  id INTEGER PRIMARY KEY,
  path TEXT NOT NULL UNIQUE       -- canonical absolute folder path, with its final '/'
);
INSERT INTO folders(path)
  SELECT DISTINCT trailwatch_folder(path) FROM files WHERE complete = 1 ORDER BY 1;
CREATE TABLE files_v4 (
  folder INTEGER NOT NULL,        -- folders.id
  name TEXT NOT NULL,             -- a CloudTrail name less the account and region: '/<stamp>_…'
  size INTEGER NOT NULL,
  mtime_ns INTEGER NOT NULL,
  delivered INTEGER,              -- epoch seconds its S3 key shows; NULL: never forgotten
  PRIMARY KEY(folder, name)
) WITHOUT ROWID;
INSERT INTO files_v4
  SELECT folders.id, trailwatch_name(files.path), files.size, files.mtime_ns,
         trailwatch_delivered(files.path)
  FROM files JOIN folders ON folders.path = trailwatch_folder(files.path)
  WHERE files.complete = 1;
DROP TABLE files;
ALTER TABLE files_v4 RENAME TO files;
ALTER TABLE reading ADD COLUMN died_token INTEGER; -- the dead run's reading log it counted
)sql",
};
static_assert(std::size(k_migrations) == State::k_schema_version);

// The name a file row stores. A CloudTrail log file's name repeats the account and region of its
// folder (…/<account>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_<stamp>_…):
// that prefix is replaced by '/', which no file name holds, so a shortened name never equals a
// name stored whole. About a third of a row.
std::string stored_name(std::string_view folder, std::string_view name) {
  std::size_t count = 0;
  const auto parts = util::last_components<6>(folder, count); // innermost first
  if (count == 6 && parts[4] == "CloudTrail") {
    const std::string prefix = fmt::format("{}_CloudTrail_{}_", parts[5], parts[3]);
    if (name.starts_with(prefix)) {
      return fmt::format("/{}", name.substr(prefix.size()));
    }
  }
  return std::string(name);
}

// A file key (canonical path) splits into its folder, up to and with the last '/', and the name
// its row stores (stored_name).
std::pair<std::string_view, std::string> split_key(std::string_view key) {
  const std::size_t slash = key.rfind('/');
  const std::size_t cut = slash == std::string_view::npos ? 0 : slash + 1;
  return {key.substr(0, cut), stored_name(key.substr(0, cut), key.substr(cut))};
}

std::string now_rfc3339() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

// A readable reason for SQLite result `rc`, with the OS error where SQLite has one.
std::string describe(sqlite3* db, int rc) {
  std::string reason =
      db != nullptr && sqlite3_extended_errcode(db) == rc ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  const int primary = rc & 0xff;
  if (db != nullptr && (primary == SQLITE_IOERR || primary == SQLITE_CANTOPEN ||
                        primary == SQLITE_FULL || primary == SQLITE_READONLY)) {
    if (const int os_error = sqlite3_system_errno(db); os_error != 0) {
      reason += fmt::format(" ({})", std::strerror(os_error));
    }
  }
  return reason;
}

[[noreturn]] void fail(const std::string& path, sqlite3* db, std::string_view what, int rc) {
  const int primary = rc & 0xff;
  if (primary == SQLITE_NOTADB) {
    throw Fatal(fmt::format("state file {} is not a trailwatch state (not an SQLite database: "
                            "{}); refusing to touch it",
                            path, describe(db, rc)));
  }
  if (primary == SQLITE_CORRUPT) {
    throw Fatal(fmt::format("state file {} is corrupt ({}: {}); refusing to touch it, move it "
                            "aside to start afresh",
                            path, what, describe(db, rc)));
  }
  throw Fatal(fmt::format("state file {}: {}: {}", path, what, describe(db, rc)));
}

// One use of a cached prepared statement; resets it (ending any read) when it goes out of scope.
class Query {
public:
  Query(const std::string& path, sqlite3* db, sqlite3_stmt* stmt)
      : m_path(path), m_db(db), m_stmt(stmt) {}
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;
  ~Query() {
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
  }

  Query& bind(int index, std::string_view text) {
    check(sqlite3_bind_text(m_stmt, index, text.data() != nullptr ? text.data() : "",
                            static_cast<int>(text.size()), SQLITE_TRANSIENT));
    return *this;
  }
  Query& bind(int index, std::int64_t number) {
    check(sqlite3_bind_int64(m_stmt, index, number));
    return *this;
  }
  Query& bind(int index, std::optional<std::int64_t> number) {
    check(number ? sqlite3_bind_int64(m_stmt, index, *number) : sqlite3_bind_null(m_stmt, index));
    return *this;
  }
  // Steps once; true when a row is available, false when done. `what` names the action in errors.
  bool step(std::string_view what) {
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW) {
      return true;
    }
    if (rc == SQLITE_DONE) {
      return false;
    }
    fail(m_path, m_db, what, rc);
  }
  bool is_null(int column) const { return sqlite3_column_type(m_stmt, column) == SQLITE_NULL; }
  std::int64_t integer(int column) const { return sqlite3_column_int64(m_stmt, column); }
  std::string text(int column) const {
    const auto* data = sqlite3_column_text(m_stmt, column);
    return data != nullptr
               ? std::string(reinterpret_cast<const char*>(data),
                             static_cast<std::size_t>(sqlite3_column_bytes(m_stmt, column)))
               : std::string();
  }

private:
  void check(int rc) {
    if (rc != SQLITE_OK) {
      fail(m_path, m_db, "binding a value", rc);
    }
  }
  const std::string& m_path;
  sqlite3* m_db;
  sqlite3_stmt* m_stmt;
};

// Takes the exclusive run lock on `path`.lock, polling until `lock_wait` has passed.
int acquire_lock(const std::string& path, std::chrono::milliseconds lock_wait) {
  const std::string lock_path = path + ".lock";
  bool writable = true;
  int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0 && (errno == EACCES || errno == EROFS)) {
    // A read-only place: lock the existing file read-only; the database open then reports it.
    writable = false;
    fd = ::open(lock_path.c_str(), O_RDONLY | O_CLOEXEC);
  }
  if (fd < 0) {
    throw Fatal(fmt::format("state file {}: cannot open lock file {}: {}", path, lock_path,
                            std::strerror(errno)));
  }
  const auto deadline = std::chrono::steady_clock::now() + lock_wait;
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    if (error == EINTR) {
      continue;
    }
    if (error != EWOULDBLOCK) {
      ::close(fd);
      throw Fatal(
          fmt::format("state file {}: cannot lock {}: {}", path, lock_path, std::strerror(error)));
    }
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) {
      char buffer[32] = {};
      const ssize_t got = ::pread(fd, buffer, sizeof buffer - 1, 0);
      std::string pid = got > 0 ? std::string(buffer, static_cast<std::size_t>(got)) : "";
      pid.erase(std::remove_if(pid.begin(), pid.end(), [](char c) { return c < '0' || c > '9'; }),
                pid.end());
      ::close(fd);
      throw Fatal(
          fmt::format("state file {} is in use by another trailwatch run ({}); waited {} ms", path,
                      pid.empty() ? "pid unknown" : "pid " + pid, lock_wait.count()));
    }
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
        deadline - now, std::chrono::milliseconds(20)));
  }
  if (writable) {
    const std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) < 0) {
      // Only the "in use" message needs the pid; the lock itself is held.
    }
  }
  return fd;
}

// Fields of an alert that alert_to_json does not write, kept so outbox alerts are rebuilt whole.
std::string extra_to_json(const Alert& alert) {
  const Event& e = alert.event;
  util::JsonWriter w;
  w.begin_object();
  w.key("eventType").value(e.event_type);
  w.key("accountId").value(e.identity.account_id);
  w.key("principalId").value(e.identity.principal_id);
  w.key("userName").value(e.identity.user_name);
  w.key("sessionIssuerUserName").value(e.identity.session_issuer_user_name);
  w.key("sourceIdentity").value(e.identity.source_identity);
  w.key("identityStoreId").value(e.identity.identity_store_id);
  w.key("identityUserId").value(e.identity.identity_user_id);
  w.key("identityProvider").value(e.identity.identity_provider);
  w.key("isLaunchApi").value(e.launch.is_launch_api);
  w.key("geoIp").value(alert.geo.ip);
  w.end_object();
  return w.take();
}

// Applies extra_to_json's output to `alert`; false when `json` is malformed.
bool extra_from_json(std::string_view json, Alert& alert) {
  simdjson::dom::parser parser;
  simdjson::dom::object object;
  if (parser.parse(simdjson::padded_string(json)).get(object)) {
    return false;
  }
  Event& e = alert.event;
  const std::pair<const char*, std::string*> strings[] = {
      {"eventType", &e.event_type},
      {"accountId", &e.identity.account_id},
      {"principalId", &e.identity.principal_id},
      {"userName", &e.identity.user_name},
      {"sessionIssuerUserName", &e.identity.session_issuer_user_name},
      {"sourceIdentity", &e.identity.source_identity},
      {"identityStoreId", &e.identity.identity_store_id},
      {"identityUserId", &e.identity.identity_user_id},
      {"identityProvider", &e.identity.identity_provider},
      {"geoIp", &alert.geo.ip},
  };
  for (const auto& [key, target] : strings) {
    std::string_view text;
    if (object.at_key(key).get(text)) {
      return false;
    }
    target->assign(text);
  }
  return !object.at_key("isLaunchApi").get(e.launch.is_launch_api);
}

} // namespace

std::optional<std::int64_t> parse_event_time(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS, then an optional fraction, then Z.
  if (text.size() < 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' ||
      text[16] != ':' || text.back() != 'Z') {
    return std::nullopt;
  }
  const auto digits = [&](std::size_t pos, std::size_t len) {
    return std::all_of(text.begin() + static_cast<std::ptrdiff_t>(pos),
                       text.begin() + static_cast<std::ptrdiff_t>(pos + len),
                       [](char c) { return c >= '0' && c <= '9'; });
  };
  // Returns the value of the `len` digits at `pos`, or -1 when they are not all digits.
  const auto number = [&](std::size_t pos, std::size_t len) {
    int value = 0;
    for (std::size_t i = pos; i < pos + len; ++i) {
      value = value * 10 + (text[i] - '0');
    }
    return digits(pos, len) ? value : -1;
  };
  if (text.size() > 20) {
    // A fraction: ".", at least one digit, then the Z.
    if (text[19] != '.' || text.size() == 21 || !digits(20, text.size() - 21)) {
      return std::nullopt;
    }
  }
  const int year = number(0, 4);
  const int month = number(5, 2);
  const int day = number(8, 2);
  const int hour = number(11, 2);
  const int minute = number(14, 2);
  const int second = number(17, 2);
  if (year < 0 || month < 0 || day < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59 ||
      second < 0 || second > 60) {
    return std::nullopt;
  }
  const std::chrono::year_month_day date{std::chrono::year(year),
                                         std::chrono::month(static_cast<unsigned>(month)),
                                         std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok()) {
    return std::nullopt;
  }
  const auto days = std::chrono::sys_days(date).time_since_epoch().count();
  return static_cast<std::int64_t>(days) * 86400 + hour * 3600 + minute * 60 + second;
}

State::State(std::string path, int lock_fd)
    : m_path(std::move(path)), m_lock_fd(lock_fd), m_log(m_path + ".reading") {}

State::~State() {
  if (m_db != nullptr) {
    if (sqlite3_get_autocommit(m_db) == 0) {
      sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr); // an unfinished batch
    }
    for (auto& [sql, stmt] : m_statements) {
      sqlite3_finalize(stmt);
    }
    sqlite3_close(m_db);
  }
  if (m_lock_fd >= 0) {
    ::close(m_lock_fd); // releases the flock
  }
}

std::unique_ptr<State> State::open(const std::string& path, std::chrono::milliseconds lock_wait) {
  if (path.empty()) {
    throw Fatal("state file: empty path");
  }
  const int lock_fd = acquire_lock(path, lock_wait);
  std::unique_ptr<State> state(new State(path, lock_fd));
  state->open_database();
  state->check_and_migrate();
  state->apply_reading_log();
  state->load_reading_marks();
  return state;
}

void State::open_database() {
  const int rc = sqlite3_open_v2(m_path.c_str(), &m_db,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX |
                                     SQLITE_OPEN_EXRESCODE,
                                 nullptr);
  if (rc != SQLITE_OK) {
    fail(m_path, m_db, "cannot open", rc);
  }
  // We hold the run lock, so only outside readers (the sqlite3 shell) can make SQLite busy.
  sqlite3_busy_timeout(m_db, 5000);
  if (sqlite3_db_readonly(m_db, "main") == 1) {
    throw Fatal(fmt::format("state file {} is read-only (check its permissions and those of its "
                            "directory)",
                            m_path));
  }
}

void State::exec(const char* sql, std::string_view what) {
  const int rc = sqlite3_exec(m_db, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) {
    fail(m_path, m_db, what, rc);
  }
}

sqlite3_stmt* State::prepare(const char* sql) {
  for (const auto& [text, stmt] : m_statements) {
    if (text == sql || std::strcmp(text, sql) == 0) {
      return stmt;
    }
  }
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v3(m_db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    fail(m_path, m_db, fmt::format("preparing \"{}\"", sql), rc);
  }
  m_statements.emplace_back(sql, stmt);
  return stmt;
}

void State::require_input(const char* method, bool inside) const {
  if (m_in_input != inside) {
    throw std::logic_error(fmt::format("State::{} called {} begin_input/commit_input", method,
                                       inside ? "outside" : "inside"));
  }
}

void State::require_no_batch(const char* method) const {
  require_input(method, false);
  if (m_in_batch) {
    throw std::logic_error(
        fmt::format("State::{} called with a batch open (commit_batch first)", method));
  }
}

void State::check_and_migrate() {
  // Read-only checks first: nothing below may write to a file that is not ours.
  const auto pragma_int = [&](const char* sql) {
    Query q(m_path, m_db, prepare(sql));
    return q.step("reading the header") ? q.integer(0) : 0;
  };
  const std::int64_t version = pragma_int("PRAGMA user_version");
  const std::int64_t application_id = pragma_int("PRAGMA application_id");
  const std::int64_t objects = pragma_int("SELECT count(*) FROM sqlite_schema");
  const bool fresh = application_id == 0 && version == 0 && objects == 0;
  if (!fresh && application_id != k_application_id) {
    throw Fatal(fmt::format("state file {} is an SQLite database but not a trailwatch state; "
                            "refusing to touch it",
                            m_path));
  }
  if (version > k_schema_version) {
    throw Fatal(fmt::format("state file {} has schema version {}: written by a newer trailwatch "
                            "(this one knows up to {}); refusing to touch it",
                            m_path, version, k_schema_version));
  }
  if (!fresh) {
    Query q(m_path, m_db, prepare("PRAGMA quick_check"));
    if (!q.step("PRAGMA quick_check") || q.text(0) != "ok") {
      throw Fatal(fmt::format("state file {} is corrupt (PRAGMA quick_check: {}); refusing to "
                              "touch it, move it aside to start afresh",
                              m_path, q.text(0)));
    }
  }

  // The file is ours (or new): set up the connection, then migrate.
  {
    Query q(m_path, m_db, prepare("PRAGMA journal_mode=WAL"));
    if (!q.step("enabling WAL") || q.text(0) != "wal") {
      throw Fatal(fmt::format("state file {}: cannot enable WAL journal mode (got \"{}\")", m_path,
                              q.text(0)));
    }
  }
  exec("PRAGMA synchronous=FULL", "setting synchronous=FULL");
  exec("PRAGMA foreign_keys=ON", "enabling foreign keys");
  if (version == k_schema_version) {
    return;
  }
  // SQL functions for migrations 1 → 2 (the one C++ rule for a file's key: util/paths.hpp) and
  // 3 → 4 (a key's folder and name; its delivery time: util/time.hpp).
  const auto text_function = [this](const char* name, std::string (*apply)(std::string_view)) {
    sqlite3_create_function_v2(
        m_db, name, 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, reinterpret_cast<void*>(apply),
        [](sqlite3_context* context, int, sqlite3_value** argv) {
          const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
          const auto function =
              reinterpret_cast<std::string (*)(std::string_view)>(sqlite3_user_data(context));
          const std::string result = function(text == nullptr ? "" : text);
          sqlite3_result_text(context, result.c_str(), static_cast<int>(result.size()),
                              SQLITE_TRANSIENT);
        },
        nullptr, nullptr, nullptr);
  };
  text_function("trailwatch_canonical_path",
                [](std::string_view path) { return util::canonical_path(path); });
  text_function("trailwatch_folder",
                [](std::string_view key) { return std::string(split_key(key).first); });
  text_function("trailwatch_name", [](std::string_view key) { return split_key(key).second; });
  sqlite3_create_function_v2(
      m_db, "trailwatch_delivered", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr,
      [](sqlite3_context* context, int, sqlite3_value** argv) {
        const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
        const auto delivered = util::delivery_time_from_path(text == nullptr ? "" : text);
        if (delivered) {
          sqlite3_result_int64(context, *delivered);
        } else {
          sqlite3_result_null(context);
        }
      },
      nullptr, nullptr, nullptr);
  exec("BEGIN IMMEDIATE", "starting the schema migration");
  try {
    if (fresh) {
      exec(fmt::format("PRAGMA application_id={}", k_application_id).c_str(),
           "setting the application id");
    }
    for (auto step = static_cast<std::size_t>(version); step < std::size(k_migrations); ++step) {
      exec(k_migrations[step], fmt::format("migrating the schema to version {}", step + 1));
    }
    exec(fmt::format("PRAGMA user_version={}", k_schema_version).c_str(),
         "recording the schema version");
    exec("COMMIT", "committing the schema migration");
  } catch (...) {
    if (sqlite3_get_autocommit(m_db) == 0) {
      sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
    }
    throw;
  }
}

std::int64_t State::begin_run() {
  require_input("begin_run", false);
  Query q(m_path, m_db, prepare("INSERT INTO runs(started, pid) VALUES(?1, ?2)"));
  q.bind(1, now_rfc3339()).bind(2, static_cast<std::int64_t>(::getpid()));
  q.step("recording the run start");
  m_run_id = sqlite3_last_insert_rowid(m_db);
  return m_run_id;
}

void State::finish_run(std::int64_t run_id, std::string_view status) {
  require_no_batch("finish_run");
  {
    Query q(m_path, m_db, prepare("UPDATE runs SET finished = ?1, status = ?2 WHERE id = ?3"));
    q.bind(1, now_rfc3339()).bind(2, status).bind(3, run_id);
    q.step("recording the run end");
  }
  m_log.discard(); // the run ended: no input killed it
  // Best effort: a reader holding the WAL (the sqlite3 shell) only delays the truncation.
  sqlite3_wal_checkpoint_v2(m_db, nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
}

std::int64_t State::folder_id(std::string_view folder, bool create) {
  if (const auto it = m_folders.find(folder);
      it != m_folders.end() && (it->second != 0 || !create)) {
    return it->second;
  }
  std::int64_t id = 0;
  {
    Query q(m_path, m_db, prepare("SELECT id FROM folders WHERE path = ?1"));
    q.bind(1, folder);
    if (q.step("looking up a folder")) {
      id = q.integer(0);
    }
  }
  if (id == 0 && create) {
    Query q(m_path, m_db, prepare("INSERT INTO folders(path) VALUES(?1)"));
    q.bind(1, folder);
    q.step("recording a folder");
    id = sqlite3_last_insert_rowid(m_db);
  }
  m_folders.insert_or_assign(std::string(folder), id); // 0: known to be absent
  return id;
}

bool State::file_done(const std::string& path, std::uint64_t size, std::int64_t mtime_ns) {
  const auto [folder_path, name] = split_key(path);
  const std::int64_t folder = folder_id(folder_path, false);
  if (folder == 0) {
    return false;
  }
  Query q(m_path, m_db,
          prepare("SELECT 1 FROM files WHERE folder = ?1 AND name = ?2 AND size = ?3 AND "
                  "mtime_ns = ?4"));
  q.bind(1, folder).bind(2, name).bind(3, static_cast<std::int64_t>(size)).bind(4, mtime_ns);
  return q.step("looking up a file");
}

int State::reading_attempts(const FileId& file) const {
  const auto it = m_marks.find(file.path);
  if (it == m_marks.end() || it->second.first.size != file.size ||
      it->second.first.mtime_ns != file.mtime_ns) {
    return 0; // no death, or the file changed since: its old attempts do not count
  }
  return it->second.second;
}

void State::mark_reading(const FileId& file) {
  m_log.started(file);
}

void State::apply_reading_log() {
  const std::string log_path = m_path + ".reading";
  const auto leftover = ReadingLog::read(log_path);
  if (!leftover || leftover->unfinished.empty()) {
    ReadingLog::remove(log_path);
    return;
  }
  // One attempt per input the dead run left unfinished, once per log (the token), and none for
  // a file that was committed after all (the log is not cut at the same moment as commits).
  exec("BEGIN IMMEDIATE", "recording the inputs a dead run was reading");
  try {
    for (const FileId& file : leftover->unfinished) {
      if (file_done(file.path, file.size, file.mtime_ns)) {
        continue;
      }
      // Same version: one more attempt; a changed file starts again at 1.
      Query q(m_path, m_db,
              prepare("INSERT INTO reading(path, size, mtime_ns, attempts, since, died_token) "
                      "VALUES(?1, ?2, ?3, 1, ?4, ?5) ON CONFLICT(path) DO UPDATE SET "
                      "attempts = CASE WHEN size = excluded.size AND mtime_ns = excluded.mtime_ns "
                      "THEN attempts + (died_token IS NOT excluded.died_token) ELSE 1 END, "
                      "since = CASE WHEN size = excluded.size AND mtime_ns = excluded.mtime_ns "
                      "THEN since ELSE excluded.since END, "
                      "size = excluded.size, mtime_ns = excluded.mtime_ns, "
                      "died_token = excluded.died_token"));
      q.bind(1, file.path)
          .bind(2, static_cast<std::int64_t>(file.size))
          .bind(3, file.mtime_ns)
          .bind(4, now_rfc3339())
          .bind(5, static_cast<std::int64_t>(leftover->token));
      q.step("recording an input a dead run was reading");
    }
    exec("COMMIT", "recording the inputs a dead run was reading");
  } catch (...) {
    if (sqlite3_get_autocommit(m_db) == 0) {
      sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
    }
    throw;
  }
  ReadingLog::remove(log_path);
}

void State::load_reading_marks() {
  m_marks.clear();
  Query q(m_path, m_db, prepare("SELECT path, size, mtime_ns, attempts FROM reading"));
  while (q.step("reading the marks of runs that died")) {
    FileId file{q.text(0), static_cast<std::uint64_t>(q.integer(1)), q.integer(2)};
    std::string key = file.path;
    m_marks.emplace(std::move(key), std::pair(std::move(file), static_cast<int>(q.integer(3))));
  }
}

std::vector<SuspectFile> State::suspect_files() {
  std::vector<SuspectFile> out;
  Query q(m_path, m_db,
          prepare("SELECT path, size, mtime_ns, attempts, since FROM reading ORDER BY path"));
  while (q.step("listing files runs died on")) {
    out.push_back(
        SuspectFile{FileId{q.text(0), static_cast<std::uint64_t>(q.integer(1)), q.integer(2)},
                    static_cast<int>(q.integer(3)), q.text(4)});
  }
  return out;
}

void State::begin_input() {
  require_input("begin_input", false);
  if (!m_in_batch) {
    exec("BEGIN IMMEDIATE", "starting an input transaction");
    m_in_batch = true;
    m_batch_inputs = 0;
    m_batch_alerts = false;
    m_batch_started = std::chrono::steady_clock::now();
  }
  Query q(m_path, m_db, prepare("SAVEPOINT input"));
  q.step("starting an input");
  m_in_input = true;
}

bool State::first_sighting(std::string_view event_id, std::string_view event_time) {
  require_input("first_sighting", true);
  if (event_id.empty()) {
    return true;
  }
  Query q(m_path, m_db,
          prepare("INSERT INTO events(event_id, event_time, event_epoch, seen_epoch) "
                  "VALUES(?1, ?2, ?3, ?4) ON CONFLICT(event_id) DO NOTHING"));
  q.bind(1, event_id)
      .bind(2, event_time)
      .bind(3, parse_event_time(event_time))
      .bind(4, static_cast<std::int64_t>(std::time(nullptr)));
  q.step("recording an eventID");
  return sqlite3_changes(m_db) == 1;
}

// Merging: alerts with the same rule id, actor and account whose eventTimes lie within `window`
// of an existing alert's eventTime are one alert. Windows are anchored at the first alert's time
// (not sliding), so a steady stream makes one alert per window, not one forever. The nearest
// candidate wins, pending or delivered alike: merging into an alert that was already delivered
// only raises its stored count and makes no new pending row, so the same activity is not
// announced twice (the extra count is visible in the state but not re-sent).
bool State::add_alert(const Alert& alert, std::chrono::minutes window) {
  require_input("add_alert", true);
  const Event& e = alert.event;
  const std::optional<std::int64_t> epoch = parse_event_time(e.event_time);
  const auto count = static_cast<std::int64_t>(alert.count);
  if (epoch && window.count() >= 0) {
    const std::int64_t seconds = std::chrono::duration_cast<std::chrono::seconds>(window).count();
    std::optional<std::int64_t> target;
    {
      Query q(m_path, m_db,
              prepare("SELECT id FROM alerts WHERE rule_id = ?1 AND actor = ?2 AND account = ?3 "
                      "AND event_epoch BETWEEN ?4 - ?5 AND ?4 + ?5 "
                      "ORDER BY abs(event_epoch - ?4), id DESC LIMIT 1"));
      q.bind(1, alert.rule_id).bind(2, e.actor).bind(3, e.account).bind(4, *epoch).bind(5, seconds);
      if (q.step("looking for an alert to merge with")) {
        target = q.integer(0);
      }
    }
    if (target) {
      Query q(m_path, m_db, prepare("UPDATE alerts SET count = count + ?1 WHERE id = ?2"));
      q.bind(1, count).bind(2, *target);
      q.step("merging an alert");
      return false;
    }
  }
  Query q(m_path, m_db,
          prepare("INSERT INTO alerts(rule_id, actor, account, event_time, event_epoch, count, "
                  "json, extra, run_id, created) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"));
  q.bind(1, alert.rule_id)
      .bind(2, e.actor)
      .bind(3, e.account)
      .bind(4, e.event_time)
      .bind(5, epoch)
      .bind(6, count)
      .bind(7, alert_to_json(alert, true)) // lossless: the record comes back with the alert
      .bind(8, extra_to_json(alert))
      .bind(9, m_run_id != 0 ? std::optional<std::int64_t>(m_run_id) : std::nullopt)
      .bind(10, now_rfc3339());
  q.step("adding an alert to the outbox");
  m_batch_alerts = true;
  return true;
}

void State::commit_input(const std::string& path, std::uint64_t size, std::int64_t mtime_ns,
                         bool complete) {
  require_input("commit_input", true);
  try {
    if (!path.empty() && complete) {
      const auto [folder_path, name] = split_key(path);
      const std::int64_t folder = folder_id(folder_path, true);
      Query q(m_path, m_db,
              prepare("INSERT INTO files(folder, name, size, mtime_ns, delivered) "
                      "VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(folder, name) DO UPDATE SET "
                      "size = excluded.size, mtime_ns = excluded.mtime_ns, "
                      "delivered = excluded.delivered"));
      const auto delivered = util::delivery_time_from_path(path);
      q.bind(1, folder)
          .bind(2, name)
          .bind(3, static_cast<std::int64_t>(size))
          .bind(4, mtime_ns)
          .bind(5, delivered ? std::optional<std::int64_t>(*delivered) : std::nullopt);
      q.step("recording a processed file");
    }
    if (!path.empty() && !complete) {
      // A changed file that failed: the version read before is not "read" any more either.
      const auto [folder_path, name] = split_key(path);
      if (const std::int64_t folder = folder_id(folder_path, false); folder != 0) {
        Query q(m_path, m_db, prepare("DELETE FROM files WHERE folder = ?1 AND name = ?2"));
        q.bind(1, folder).bind(2, name);
        q.step("forgetting a file read half-way");
      }
    }
    if (!path.empty() && m_marks.count(path) != 0) {
      Query done(m_path, m_db, prepare("DELETE FROM reading WHERE path = ?1"));
      done.bind(1, path);
      done.step("clearing a reading mark");
    }
    Query release(m_path, m_db, prepare("RELEASE input"));
    release.step("finishing an input");
  } catch (...) {
    rollback_input();
    throw;
  }
  m_in_input = false;
  if (!path.empty()) {
    m_marks.erase(path);
    m_log.finished(path);
  }
  ++m_batch_inputs;
  const bool old = m_batching.max_age.count() > 0 &&
                   std::chrono::steady_clock::now() - m_batch_started >= m_batching.max_age;
  if (m_batch_inputs >= m_batching.max_inputs || m_batch_alerts || old) {
    commit_batch();
  }
}

void State::rollback_input() {
  if (!m_in_input) {
    return;
  }
  m_in_input = false;
  m_folders.clear(); // a folder row made by this input is undone
  if (sqlite3_get_autocommit(m_db) != 0) {
    rollback_batch(); // SQLite already ended the transaction (after an I/O error)
    return;
  }
  sqlite3_exec(m_db, "ROLLBACK TO input; RELEASE input", nullptr, nullptr, nullptr);
  if (m_batch_inputs == 0) {
    rollback_batch(); // nothing else in the batch: end the transaction
  }
}

void State::rollback_batch() {
  m_in_input = false;
  m_in_batch = false;
  m_batch_inputs = 0;
  m_batch_alerts = false;
  m_folders.clear();
  if (sqlite3_get_autocommit(m_db) == 0) {
    sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  load_reading_marks(); // cleared marks come back with the rollback
}

void State::commit_batch() {
  require_input("commit_batch", false);
  if (!m_in_batch) {
    return;
  }
  try {
    exec("COMMIT", "committing inputs");
  } catch (...) {
    rollback_batch();
    throw;
  }
  m_in_batch = false;
  m_batch_inputs = 0;
  m_batch_alerts = false;
  m_log.compact();
}

std::vector<PendingAlert> State::pending_alerts() {
  require_no_batch("pending_alerts");
  std::vector<PendingAlert> pending;
  Query q(m_path, m_db,
          prepare("SELECT id, count, json, extra FROM alerts WHERE delivered IS NULL ORDER BY id"));
  while (q.step("reading the outbox")) {
    const std::int64_t id = q.integer(0);
    PendingAlert item{id, {}};
    try {
      item.alert = alert_from_json(q.text(2));
    } catch (const std::runtime_error& error) {
      throw Fatal(fmt::format("state file {}: outbox alert {} is unreadable: {}", m_path, id,
                              error.what()));
    }
    if (!extra_from_json(q.text(3), item.alert)) {
      throw Fatal(fmt::format("state file {}: outbox alert {} is unreadable: bad extra fields",
                              m_path, id));
    }
    item.alert.count = static_cast<std::uint64_t>(q.integer(1));
    pending.push_back(std::move(item));
  }
  return pending;
}

void State::mark_delivered(std::int64_t alert_id) {
  require_no_batch("mark_delivered"); // inside a batch the mark would not be durable on return
  {
    // Autocommit: the statement is its own transaction, durable (synchronous=FULL) on return.
    Query q(m_path, m_db,
            prepare("UPDATE alerts SET delivered = ?1 WHERE id = ?2 AND delivered IS NULL"));
    q.bind(1, now_rfc3339()).bind(2, alert_id);
    q.step(fmt::format("marking alert {} delivered", alert_id));
    if (sqlite3_changes(m_db) == 1) {
      return;
    }
  }
  Query q(m_path, m_db, prepare("SELECT 1 FROM alerts WHERE id = ?1"));
  q.bind(1, alert_id);
  if (!q.step("looking up an alert")) {
    throw Fatal(fmt::format("state file {}: no alert {} to mark delivered", m_path, alert_id));
  }
}

StateSummary State::summary() {
  StateSummary s;
  s.path = m_path;
  {
    Query q(m_path, m_db,
            prepare("SELECT (SELECT count(*) FROM files), (SELECT count(*) FROM events), "
                    "(SELECT count(*) FROM alerts), "
                    "(SELECT count(*) FROM alerts WHERE delivered IS NULL), "
                    "(SELECT user_version FROM pragma_user_version)"));
    q.step("counting the state");
    s.files = static_cast<std::uint64_t>(q.integer(0));
    s.events = static_cast<std::uint64_t>(q.integer(1));
    s.alerts = static_cast<std::uint64_t>(q.integer(2));
    s.pending = static_cast<std::uint64_t>(q.integer(3));
    s.delivered = s.alerts - s.pending;
    s.schema_version = static_cast<int>(q.integer(4));
  }
  Query q(m_path, m_db,
          prepare("SELECT started, finished, status FROM runs ORDER BY id DESC LIMIT 1"));
  if (q.step("reading the last run")) {
    s.last_run_started = q.text(0);
    s.last_run_finished = q.text(1);
    s.last_run_status = q.text(2);
  }
  return s;
}

void State::prune_events(std::chrono::hours keep) {
  require_no_batch("prune_events");
  // Reference: the newest event time seen, so replaying old logs keeps their window; capped at
  // now so one bogus future eventTime cannot wipe the table.
  const auto now = static_cast<std::int64_t>(std::time(nullptr));
  std::int64_t reference = now;
  {
    Query q(m_path, m_db, prepare("SELECT max(event_epoch) FROM events"));
    if (q.step("finding the newest event") && !q.is_null(0)) {
      reference = std::min(reference, q.integer(0));
    }
  }
  const std::int64_t seconds = std::chrono::duration_cast<std::chrono::seconds>(keep).count();
  {
    Query q(m_path, m_db,
            prepare("DELETE FROM events WHERE (event_epoch IS NOT NULL AND event_epoch < ?1) "
                    "OR (event_epoch IS NULL AND seen_epoch < ?2)"));
    q.bind(1, reference - seconds).bind(2, now - seconds);
    q.step("pruning old eventIDs");
  }
  {
    // A delivered alert that old can no longer be merged with: its events are forgotten too.
    Query q(m_path, m_db,
            prepare("DELETE FROM alerts WHERE delivered IS NOT NULL AND event_epoch < ?1"));
    q.bind(1, reference - seconds);
    q.step("pruning old delivered alerts");
  }
  // Runs are kept for `trailwatch state` (the last one) and for the alerts that name them.
  const std::time_t before = static_cast<std::time_t>(now - seconds);
  std::tm tm{};
  gmtime_r(&before, &tm);
  char cutoff[32];
  std::strftime(cutoff, sizeof cutoff, "%Y-%m-%dT%H:%M:%SZ", &tm);
  Query q(m_path, m_db,
          prepare("DELETE FROM runs WHERE started < ?1 AND id < (SELECT max(id) FROM runs) "
                  "AND NOT EXISTS (SELECT 1 FROM alerts WHERE alerts.run_id = runs.id)"));
  q.bind(1, std::string_view(cutoff));
  q.step("pruning old runs");
}

void State::forget_files_delivered_before(std::int64_t cutoff) {
  require_no_batch("forget_files_delivered_before");
  {
    Query q(m_path, m_db, prepare("DELETE FROM files WHERE delivered < ?1"));
    q.bind(1, cutoff);
    q.step("forgetting old files");
  }
  Query q(m_path, m_db,
          prepare("DELETE FROM folders WHERE NOT EXISTS "
                  "(SELECT 1 FROM files WHERE files.folder = folders.id)"));
  q.step("forgetting empty folders");
  m_folders.clear();
}

} // namespace trailwatch
