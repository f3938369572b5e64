// SPDX-License-Identifier: MIT
#include "util/time.hpp"

#include <charconv>
#include <ctime>

namespace trailwatch::util {
namespace {

bool read_int(std::string_view s, std::size_t pos, std::size_t len, int& out) {
  if (pos + len > s.size()) {
    return false;
  }
  for (std::size_t i = pos; i < pos + len; ++i) {
    if (s[i] < '0' || s[i] > '9') {
      return false;
    }
  }
  const auto [end, ec] = std::from_chars(s.data() + pos, s.data() + pos + len, out);
  return ec == std::errc() && end == s.data() + pos + len;
}

std::optional<long long> to_epoch(int year, int month, int day, int hour, int minute, int second) {
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  return static_cast<long long>(timegm(&tm));
}

} // namespace

std::optional<long long> parse_rfc3339(std::string_view t) {
  int year, month, day, hour, minute, second;
  if (!read_int(t, 0, 4, year) || t.size() < 19 || t[4] != '-' || !read_int(t, 5, 2, month) ||
      t[7] != '-' || !read_int(t, 8, 2, day) || (t[10] != 'T' && t[10] != 't' && t[10] != ' ') ||
      !read_int(t, 11, 2, hour) || t[13] != ':' || !read_int(t, 14, 2, minute) || t[16] != ':' ||
      !read_int(t, 17, 2, second)) {
    return std::nullopt;
  }
  std::size_t i = 19;
  if (i < t.size() && t[i] == '.') {
    ++i;
    while (i < t.size() && t[i] >= '0' && t[i] <= '9') {
      ++i;
    }
  }
  auto epoch = to_epoch(year, month, day, hour, minute, second);
  if (!epoch) {
    return std::nullopt;
  }
  const std::string_view zone = t.substr(i);
  if (zone.empty() || zone == "Z" || zone == "z") {
    return epoch;
  }
  int zh, zm;
  if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && read_int(zone, 1, 2, zh) &&
      zone[3] == ':' && read_int(zone, 4, 2, zm)) {
    const long long offset = (zh * 60LL + zm) * 60LL;
    return zone[0] == '+' ? *epoch - offset : *epoch + offset;
  }
  return std::nullopt;
}

std::optional<long long> parse_time_arg(std::string_view text, long long now) {
  if (auto absolute = parse_rfc3339(text)) {
    return absolute;
  }
  if (text.size() < 2) {
    return std::nullopt;
  }
  long long amount = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size() - 1, amount);
  if (ec != std::errc() || end != text.data() + text.size() - 1 || amount < 0) {
    return std::nullopt;
  }
  long long unit = 0;
  switch (text.back()) {
  case 's':
    unit = 1;
    break;
  case 'm':
    unit = 60;
    break;
  case 'h':
    unit = 3600;
    break;
  case 'd':
    unit = 86400;
    break;
  case 'w':
    unit = 7 * 86400;
    break;
  default:
    return std::nullopt;
  }
  return now - amount * unit;
}

std::optional<long long> delivery_time_from_path(std::string_view path) {
  const std::string_view name = path.substr(path.rfind('/') + 1);
  // <acct>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<unique>.json.gz: find "_dddddddd'T'ddddZ".
  for (std::size_t i = 0; i + 15 <= name.size(); ++i) {
    int year, month, day, hour, minute;
    if (name[i] == '_' && read_int(name, i + 1, 4, year) && read_int(name, i + 5, 2, month) &&
        read_int(name, i + 7, 2, day) && name[i + 9] == 'T' && read_int(name, i + 10, 2, hour) &&
        read_int(name, i + 12, 2, minute) && name[i + 14] == 'Z') {
      return to_epoch(year, month, day, hour, minute, 0);
    }
  }
  // ".../YYYY/MM/DD/name": delivered on that day at the latest.
  const std::string_view dir = path.substr(0, path.size() - name.size());
  if (dir.size() >= 12 && dir.back() == '/') {
    const std::string_view date = dir.substr(dir.size() - 12, 11); // "/YYYY/MM/DD"
    int year, month, day;
    if (date[0] == '/' && read_int(date, 1, 4, year) && date[5] == '/' &&
        read_int(date, 6, 2, month) && date[8] == '/' && read_int(date, 9, 2, day)) {
      if (auto start = to_epoch(year, month, day, 0, 0, 0)) {
        return *start + 86400;
      }
    }
  }
  return std::nullopt;
}

} // namespace trailwatch::util
