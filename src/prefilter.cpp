// SPDX-License-Identifier: MIT
#include "trailwatch/prefilter.hpp"

#include "util/strings.hpp"

#include <cstring>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace trailwatch {
namespace {

constexpr std::string_view k_key = "eventName";

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// Finds `needle` (at least 6 bytes) in `hay` from `from`; npos when absent. glibc's memmem is
// a scalar two-way search, far slower than decompression; this is the generic SIMD substring
// search (compare the needle's first byte and its sixth byte over 16 positions at once, then
// verify the few candidates), with a scalar loop for the tail and for non-SSE2 builds.
std::size_t find(std::string_view hay, std::string_view needle, std::size_t from) {
  const std::size_t n = needle.size();
  if (from >= hay.size() || hay.size() - from < n) {
    return std::string_view::npos;
  }
  const std::size_t last_start = hay.size() - n;
  std::size_t i = from;
#if defined(__SSE2__)
  const __m128i first = _mm_set1_epi8(needle[0]);
  const __m128i sixth = _mm_set1_epi8(needle[5]);
  for (; i + 16 + 5 <= hay.size() && i + 15 <= last_start; i += 16) {
    const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(hay.data() + i));
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(hay.data() + i + 5));
    unsigned mask = static_cast<unsigned>(
        _mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(a, first), _mm_cmpeq_epi8(b, sixth))));
    while (mask != 0) {
      const std::size_t at = i + static_cast<std::size_t>(__builtin_ctz(mask));
      if (std::memcmp(hay.data() + at, needle.data(), n) == 0) {
        return at;
      }
      mask &= mask - 1;
    }
  }
#endif
  for (; i <= last_start; ++i) {
    if (hay[i] == needle[0] && std::memcmp(hay.data() + i, needle.data(), n) == 0) {
      return i;
    }
  }
  return std::string_view::npos;
}

// True when `data` holds a `\u` escape.
bool has_unicode_escape(std::string_view data) {
  const char* p = data.data();
  const char* end = p + data.size();
  while (p < end) {
    const void* hit = std::memchr(p, '\\', static_cast<std::size_t>(end - p));
    if (hit == nullptr) {
      return false;
    }
    const char* backslash = static_cast<const char*>(hit);
    if (backslash + 1 < end && backslash[1] == 'u') {
      return true;
    }
    p = backslash + 2; // skip the escaped character (it may be another backslash)
  }
  return false;
}

} // namespace

Prefilter::Prefilter(std::vector<std::string> event_names, bool enabled)
    : m_names(std::move(event_names)), m_enabled(enabled && !m_names.empty()) {}

bool Prefilter::wanted(std::string_view name) const {
  for (const auto& candidate : m_names) {
    if (util::iequals(candidate, name)) {
      return true;
    }
  }
  return false;
}

bool Prefilter::may_match(std::string_view data) const {
  if (!m_enabled || has_unicode_escape(data)) {
    return true;
  }
  for (std::size_t at = find(data, k_key, 0); at != std::string_view::npos;
       at = find(data, k_key, at + k_key.size())) {
    // Expect: ["|\"] eventName ["|\"] ws : ws ["|\"] value ("|\")
    if (at == 0 || data[at - 1] != '"') {
      continue; // part of a longer word ("insightEventName") or not a key
    }
    const bool escaped = at >= 2 && data[at - 2] == '\\';
    std::size_t i = at + k_key.size();
    if (escaped) {
      if (i >= data.size() || data[i] != '\\') {
        continue;
      }
      ++i;
    }
    if (i >= data.size() || data[i] != '"') {
      continue; // "eventNameX": another key
    }
    ++i;
    while (i < data.size() && is_space(data[i])) {
      ++i;
    }
    if (i >= data.size() || data[i] != ':') {
      continue; // a value "eventName", not a key
    }
    ++i;
    while (i < data.size() && is_space(data[i])) {
      ++i;
    }
    if (escaped && i < data.size() && data[i] == '\\') {
      ++i;
    }
    if (i >= data.size() || data[i] != '"') {
      return true; // eventName of another type, or something we do not follow: parse
    }
    const std::size_t start = i + 1;
    std::size_t end = start;
    while (end < data.size() && data[end] != '"' && data[end] != '\\') {
      ++end;
    }
    if (end >= data.size()) {
      return true;
    }
    if (data[end] == '\\' && !(escaped && end + 1 < data.size() && data[end + 1] == '"')) {
      return true; // an escape inside the name
    }
    if (wanted(util::trim(data.substr(start, end - start)))) {
      return true;
    }
  }
  return false;
}

} // namespace trailwatch
