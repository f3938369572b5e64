// SPDX-License-Identifier: MIT
#include "state/reading_log.hpp"

#include "trailwatch/error.hpp"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <fstream>
#include <iterator>
#include <random>
#include <unistd.h>

namespace trailwatch {
namespace {

constexpr std::string_view k_magic = "trailwatch-reading 1 ";

// Reads a decimal number ending at `end` from `text` at `pos`; advances past `end`.
template <typename T> bool read_number(std::string_view text, std::size_t& pos, char end, T& out) {
  const char* first = text.data() + pos;
  const char* last = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(first, last, out);
  if (ec != std::errc() || ptr == last || *ptr != end) {
    return false;
  }
  pos = static_cast<std::size_t>(ptr - text.data()) + 1;
  return true;
}

// Reads "<length>:<path>\n" at `pos`; advances past the newline.
bool read_path(std::string_view text, std::size_t& pos, std::string& out) {
  std::size_t length = 0;
  if (!read_number(text, pos, ':', length) || length > text.size() - pos ||
      pos + length >= text.size() || text[pos + length] != '\n') {
    return false;
  }
  out.assign(text.substr(pos, length));
  pos += length + 1;
  return true;
}

std::string path_field(const std::string& path) {
  return fmt::format("{}:{}\n", path.size(), path);
}

} // namespace

ReadingLog::~ReadingLog() {
  if (m_fd >= 0) {
    ::close(m_fd);
  }
}

std::optional<ReadingLeftover> ReadingLog::read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return std::nullopt;
  }
  const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  const std::string_view text = bytes;
  if (!text.starts_with(k_magic)) {
    return std::nullopt; // empty, or cut before its header was complete: nothing was started
  }
  ReadingLeftover leftover;
  std::size_t pos = k_magic.size();
  if (!read_number(text, pos, '\n', leftover.token)) {
    return std::nullopt;
  }
  std::map<std::string, std::pair<FileId, int>> open;
  std::vector<std::string> order; // first start of each path, so the result keeps log order
  while (pos + 2 < text.size() && text[pos + 1] == ' ') {
    const char kind = text[pos];
    std::size_t at = pos + 2;
    FileId file;
    if (kind == 'S') {
      if (!read_number(text, at, ' ', file.size) || !read_number(text, at, ' ', file.mtime_ns) ||
          !read_path(text, at, file.path)) {
        break; // a line cut short by the writer's death
      }
      auto& entry = open[file.path];
      if (entry.second++ == 0) {
        order.push_back(file.path);
      }
      entry.first = std::move(file);
    } else if (kind == 'F') {
      if (!read_path(text, at, file.path)) {
        break;
      }
      if (auto it = open.find(file.path); it != open.end() && --it->second.second == 0) {
        open.erase(it);
      }
    } else {
      break;
    }
    pos = at;
  }
  for (const auto& key : order) {
    if (auto it = open.find(key); it != open.end()) {
      leftover.unfinished.push_back(it->second.first);
      open.erase(it);
    }
  }
  return leftover;
}

void ReadingLog::remove(const std::string& path) {
  ::unlink(path.c_str());
}

void ReadingLog::discard() {
  if (m_fd >= 0) {
    ::close(m_fd);
    m_fd = -1;
    remove(m_path);
  }
  m_in_flight.clear();
}

void ReadingLog::open_new() {
  m_fd = ::open(m_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (m_fd < 0) {
    throw Fatal(fmt::format("cannot create the reading log {}: {}", m_path, std::strerror(errno)));
  }
  m_token = std::random_device{}();
  m_token = (m_token << 32) ^ std::random_device{}();
  m_size = 0;
  append(fmt::format("{}{}\n", k_magic, m_token));
}

void ReadingLog::append(const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t wrote =
        ::pwrite(m_fd, text.data() + done, text.size() - done, static_cast<off_t>(m_size + done));
    if (wrote < 0 && errno == EINTR) {
      continue;
    }
    if (wrote <= 0) {
      throw Fatal(fmt::format("cannot write the reading log {}: {}", m_path,
                              wrote < 0 ? std::strerror(errno) : "no progress"));
    }
    done += static_cast<std::size_t>(wrote);
  }
  m_size += text.size();
}

void ReadingLog::started(const FileId& file) {
  if (m_fd < 0) {
    open_new();
  }
  append(fmt::format("S {} {} {}", file.size, file.mtime_ns, path_field(file.path)));
  auto& entry = m_in_flight[file.path];
  entry.first = file;
  ++entry.second;
}

void ReadingLog::finished(const std::string& path) {
  const auto it = m_in_flight.find(path);
  if (it == m_in_flight.end()) {
    return;
  }
  append("F " + path_field(path));
  if (--it->second.second == 0) {
    m_in_flight.erase(it);
  }
}

void ReadingLog::compact() {
  if (m_fd < 0) {
    return;
  }
  // Written over the old content, then cut: a death in between leaves old lines after the new
  // ones, which only name inputs that are finished or committed (State::open skips those).
  std::string text = fmt::format("{}{}\n", k_magic, m_token);
  for (const auto& [path, entry] : m_in_flight) {
    for (int i = 0; i < entry.second; ++i) {
      text += fmt::format("S {} {} {}", entry.first.size, entry.first.mtime_ns, path_field(path));
    }
  }
  m_size = 0;
  append(text);
  if (::ftruncate(m_fd, static_cast<off_t>(m_size)) != 0) {
    throw Fatal(fmt::format("cannot write the reading log {}: {}", m_path, std::strerror(errno)));
  }
}

} // namespace trailwatch
