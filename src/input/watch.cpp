// SPDX-License-Identifier: MIT
#include "input/watch.hpp"

#include "trailwatch/diag.hpp"

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <sys/inotify.h>
#include <unistd.h>

namespace trailwatch {
namespace fs = std::filesystem;

namespace {

constexpr std::uint32_t k_folder_events =
    IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_MODIFY | IN_DELETE_SELF | IN_MOVE_SELF;

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

} // namespace

bool is_temporary_name(std::string_view name) {
  if (name.empty() || name[0] == '.' || name.back() == '~') {
    return true;
  }
  for (const std::string_view suffix : {".tmp", ".part", ".partial", ".swp", ".crdownload"}) {
    if (name.ends_with(suffix)) {
      return true;
    }
  }
  // aws s3 sync: "<name>.<8 hex digits>", where <name> has an extension of its own.
  if (name.size() > 9 && name[name.size() - 9] == '.') {
    const std::string_view tail = name.substr(name.size() - 8);
    const std::string_view head = name.substr(0, name.size() - 9);
    bool hex = true;
    for (const char c : tail) {
      hex = hex && is_hex(c);
    }
    if (hex && head.find('.') != std::string_view::npos) {
      return true;
    }
  }
  return false;
}

FolderWatch::FolderWatch() {
  m_fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (m_fd < 0) {
    diag::warning("--follow: inotify is not available ({}); new files are found by the periodic "
                  "rescan only",
                  std::strerror(errno));
  }
}

FolderWatch::~FolderWatch() {
  if (m_fd >= 0) {
    ::close(m_fd);
  }
}

bool FolderWatch::watch(const std::string& folder, bool recursive) {
  if (m_fd < 0) {
    return false;
  }
  const int wd = ::inotify_add_watch(m_fd, folder.c_str(), k_folder_events | IN_ONLYDIR);
  if (wd < 0) {
    diag::warning("{}: cannot watch this folder ({}); its files are found by the periodic rescan",
                  folder, std::strerror(errno));
    return false;
  }
  auto& entry = m_folders[wd];
  entry.first = folder;
  entry.second = entry.second || recursive;
  return true;
}

void FolderWatch::add_folder(const std::string& folder) {
  watch(folder, false);
}

void FolderWatch::add_tree(const std::string& root) {
  // Iterative, like the input walk: no folder depth reaches the call stack.
  std::vector<std::string> folders{root};
  while (!folders.empty()) {
    const std::string folder = std::move(folders.back());
    folders.pop_back();
    if (!watch(folder, true)) {
      continue;
    }
    std::error_code ec;
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
      std::error_code type_ec;
      const auto name = it->path().filename().native();
      if (!name.empty() && name[0] != '.' && it->is_directory(type_ec) &&
          !it->is_symlink(type_ec)) {
        folders.push_back(it->path().string());
      }
    }
  }
}

FolderWatch::Changes FolderWatch::take() {
  Changes changes;
  if (m_fd < 0) {
    return changes;
  }
  alignas(inotify_event) std::array<char, 64 * 1024> buffer;
  for (;;) {
    const ssize_t n = ::read(m_fd, buffer.data(), buffer.size());
    if (n <= 0) {
      if (n < 0 && errno == EINTR) {
        continue;
      }
      break; // EAGAIN: nothing more waits
    }
    for (ssize_t at = 0; at < n;) {
      const auto* event = reinterpret_cast<const inotify_event*>(buffer.data() + at);
      at += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
      if ((event->mask & IN_Q_OVERFLOW) != 0) {
        changes.rescan = true;
        continue;
      }
      const auto folder = m_folders.find(event->wd);
      if (folder == m_folders.end()) {
        continue;
      }
      if ((event->mask & IN_IGNORED) != 0) {
        m_folders.erase(folder); // the folder went away
        continue;
      }
      if (event->len == 0) {
        continue; // an event on the folder itself
      }
      if (!folder->second.second) {
        changes.modified = true; // the folder of a followed file: only that file is read
        continue;
      }
      const std::string_view name(event->name);
      const std::string path = folder->second.first + "/" + std::string(name);
      if ((event->mask & IN_MODIFY) != 0) {
        changes.modified = true;
      }
      if (is_temporary_name(name)) {
        continue;
      }
      if ((event->mask & IN_ISDIR) != 0) {
        if ((event->mask & (IN_CREATE | IN_MOVED_TO)) != 0 && folder->second.second) {
          add_tree(path);
          changes.folders.push_back(path);
        }
        continue;
      }
      if ((event->mask & (IN_CLOSE_WRITE | IN_MOVED_TO)) != 0) {
        changes.files.push_back(path);
      }
      if ((event->mask & (IN_CREATE | IN_MOVED_TO)) != 0) {
        changes.modified = true; // a followed file may have been rotated into place
      }
    }
  }
  return changes;
}

} // namespace trailwatch
