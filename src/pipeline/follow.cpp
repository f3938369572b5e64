// SPDX-License-Identifier: MIT
#include "pipeline/follow.hpp"

#include "input/watch.hpp"
#include "pipeline/engine.hpp"
#include "trailwatch/diag.hpp"
#include "trailwatch/error.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <map>
#include <memory>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

namespace trailwatch {
namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

// How often followed files are looked at, Slack's confirmations collected and signals seen
// when no event wakes the loop earlier.
constexpr int k_tick_ms = 500;
// A file found by a rescan (not by an event) that changed more recently than this may still
// be being written: it waits for its close event or the next rescan.
constexpr std::int64_t k_settle_ns = 2'000'000'000;

// What a file looked like when it was read.
struct Stamp {
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;
  bool operator==(const Stamp&) const = default;
};

std::int64_t mtime_of(const struct stat& st) {
  return static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
}

std::int64_t now_ns() {
  timespec ts{};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// A file named on the command line, followed like `tail -F`.
struct FollowedFile {
  Input input;
  int fd = -1;
  dev_t dev = 0;
  ino_t ino = 0;
  std::unique_ptr<StreamBuffer> stream;
  bool said_missing = false;

  ~FollowedFile() {
    if (fd >= 0) {
      ::close(fd);
    }
  }
};

class Follower {
public:
  Follower(LiveRun& run, std::unique_ptr<Engine> engine)
      : m_run(run), m_engine(std::move(engine)) {}

  void remember(const Input& input) { m_seen[input.path] = Stamp{input.size, input.mtime_ns}; }

  void watch_folders() {
    for (const auto& path : m_run.options.paths) {
      std::error_code ec;
      if (fs::is_directory(path, ec)) {
        m_folders.push_back(path);
        m_watch.add_tree(path);
      }
    }
  }

  void follow_file(Input input) {
    const fs::path parent = fs::path(input.path).parent_path();
    m_watch.add_folder(parent.empty() ? std::string(".") : parent.string());
    auto file = std::make_unique<FollowedFile>();
    file->input = std::move(input);
    m_files.push_back(std::move(file));
  }

  void catch_up() { list(m_folders, false); }
  std::size_t folder_count() const { return m_folders.size(); }

  void loop() {
    auto next_rescan = Clock::now() + k_rescan_interval;
    while (!m_run.control.stop_requested() && !m_run.delivery.closed()) {
      if (m_run.control.take_reload()) {
        reload();
      }
      FolderWatch::Changes changes = m_watch.take();
      for (const std::string& path : changes.files) {
        consider_path(path);
      }
      for (const std::string& folder : changes.folders) {
        list({folder}, false);
      }
      if (changes.rescan || Clock::now() >= next_rescan) {
        list(m_folders, true);
        next_rescan = Clock::now() + k_rescan_interval;
      }
      for (auto& file : m_files) {
        poll_file(*file);
      }
      m_run.delivery.deliver_committed();
      if (m_run.control.stop_requested()) {
        break;
      }
      pollfd fds[2] = {{m_run.control.fd(), POLLIN, 0}, {m_watch.fd(), POLLIN, 0}};
      ::poll(fds, m_watch.available() ? 2 : 1, k_tick_ms);
    }
  }

private:
  void reload() {
    try {
      auto fresh = load_engine(m_run.options, m_run.enricher);
      m_engine = std::move(fresh);
      diag::warning("SIGHUP: rules and watch lists reloaded ({} rules)",
                    m_engine->matcher.rules().rules.size());
    } catch (const Error& e) {
      diag::error("SIGHUP: the new rules are broken; the old rules stay in use: {}", e.what());
    }
  }

  // Lists `folders` and reads what is new or changed; a rescan leaves files that changed in
  // the last moments for later (they may still be written).
  void list(const std::vector<std::string>& folders, bool rescan) {
    InputCounters counters;
    const std::int64_t settled_before = now_ns() - k_settle_ns;
    for (Input& input : expand_inputs(folders, counters)) {
      if (m_run.control.stop_requested()) {
        return;
      }
      if (rescan && input.mtime_ns > settled_before) {
        continue;
      }
      input.named = false;
      consider(input);
    }
  }

  // A file an event reported under its final name.
  void consider_path(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size == 0) {
      return; // gone again, not a file, or an S3 folder marker
    }
    Input input{path,         false, false, false, static_cast<std::uint64_t>(st.st_size),
                mtime_of(st), {}};
    consider(input);
  }

  void consider(Input& input) {
    if (is_temporary_name(fs::path(input.path).filename().native())) {
      return;
    }
    const Stamp stamp{input.size, input.mtime_ns};
    auto [it, inserted] = m_seen.try_emplace(input.path, stamp);
    if (!inserted && it->second == stamp) {
      return; // read (or skipped) as it is now
    }
    it->second = stamp;
    if (m_run.skip(input)) {
      return;
    }
    m_run.read_file(input, m_engine->worker);
  }

  void poll_file(FollowedFile& file) {
    if (file.fd < 0 && !open_file(file)) {
      return;
    }
    struct stat st {};
    if (::fstat(file.fd, &st) == 0 &&
        static_cast<off_t>(st.st_size) < ::lseek(file.fd, 0, SEEK_CUR)) {
      diag::warning("{}: truncated; reading it again from its start", file.input.path);
      ::lseek(file.fd, 0, SEEK_SET);
      file.stream = fresh_stream(file.input.path);
    }
    read_round(file, false);
    // Rotated: another file has the name now (or none yet). The old one is read to its end.
    struct stat named {};
    if (::stat(file.input.path.c_str(), &named) != 0 || named.st_ino != file.ino ||
        named.st_dev != file.dev) {
      read_round(file, true);
      ::close(file.fd);
      file.fd = -1;
      file.said_missing = true; // rotation: the new file may take a moment to appear
      if (open_file(file)) {
        read_round(file, false);
      }
    }
  }

  bool open_file(FollowedFile& file) {
    file.fd = ::open(file.input.path.c_str(), O_RDONLY | O_CLOEXEC);
    if (file.fd < 0) {
      if (!file.said_missing) {
        diag::warning("{}: {}; followed once it appears", file.input.path, std::strerror(errno));
        file.said_missing = true;
      }
      return false;
    }
    struct stat st {};
    ::fstat(file.fd, &st);
    file.dev = st.st_dev;
    file.ino = st.st_ino;
    file.said_missing = false;
    file.stream = fresh_stream(file.input.path);
    return true;
  }

  static std::unique_ptr<StreamBuffer> fresh_stream(const std::string& name) {
    auto stream = std::make_unique<StreamBuffer>();
    stream->name = name;
    return stream;
  }

  void read_round(FollowedFile& file, bool end) {
    InputResult result = m_engine->worker.read_more(file.fd, *file.stream, end);
    if (result.bytes_read > 0 || !result.diagnostics.empty() || !result.alerts.empty()) {
      m_run.finish_stream(file.input, result);
    }
  }

  LiveRun& m_run;
  std::unique_ptr<Engine> m_engine;
  FolderWatch m_watch;
  std::vector<std::string> m_folders;
  std::map<std::string, Stamp> m_seen;
  std::vector<std::unique_ptr<FollowedFile>> m_files;
};

} // namespace

bool LiveControl::stop_requested() {
  for (util::LiveSignal signal = m_signals.take(); signal != util::LiveSignal::none;
       signal = m_signals.take()) {
    switch (signal) {
    case util::LiveSignal::stop:
      if (!m_stop) {
        diag::warning("stopping: finishing the input being read and delivering what waits");
      }
      m_stop = true;
      break;
    case util::LiveSignal::reload:
      m_reload = true;
      break;
    case util::LiveSignal::stats:
      m_print_stats();
      break;
    case util::LiveSignal::none:
      break;
    }
  }
  return m_stop;
}

bool LiveControl::take_reload() {
  return std::exchange(m_reload, false);
}

std::vector<Input> take_missing_files(std::vector<std::string>& paths) {
  std::vector<Input> missing;
  std::erase_if(paths, [&](const std::string& path) {
    std::error_code ec;
    if (path == "-" || fs::exists(path, ec)) {
      return false;
    }
    missing.push_back(Input{path, false, true, false, 0, 0, {}});
    return true;
  });
  return missing;
}

std::vector<Input> take_followed_files(std::vector<Input>& inputs) {
  std::vector<Input> followed;
  std::erase_if(inputs, [&](Input& input) {
    if (!input.named || input.is_stdin) {
      return false;
    }
    followed.push_back(std::move(input));
    return true;
  });
  return followed;
}

void follow(LiveRun& run, const std::vector<Input>& read_before, std::vector<Input> followed) {
  std::unique_ptr<Engine> engine;
  try {
    engine = load_engine(run.options, run.enricher);
  } catch (const Error& e) {
    diag::error("--follow: the rules changed since the start and are broken; stopping: {}",
                e.what());
    return;
  }
  Follower follower(run, std::move(engine));
  for (const Input& input : read_before) {
    follower.remember(input);
  }
  follower.watch_folders();
  for (Input& input : followed) {
    follower.follow_file(std::move(input));
  }
  // Files that landed between the first listing and the watches being set up.
  follower.catch_up();
  diag::debug(1, "--follow: watching {} folder tree(s) and {} file(s)", follower.folder_count(),
              followed.size());
  follower.loop();
}

} // namespace trailwatch
