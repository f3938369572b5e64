// SPDX-License-Identifier: MIT
#include "input/prefilter.hpp"

#include "util/strings.hpp"

#include <cstring>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define TRAILWATCH_X86 1
#endif

namespace trailwatch {
namespace {

constexpr std::string_view k_key = "eventName";

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// What one occurrence of `eventName` at `at` says about the input.
enum class Occurrence { not_a_key, unwanted, must_parse };

// One pass over the input finds two things: candidate `eventName` keys (the byte 'e' with 'N'
// five bytes later, then verified) and `\u` escapes (a backslash followed by 'u'). glibc's
// memmem is a scalar two-way search, several times slower than decompression; comparing 16
// or 32 positions per instruction keeps this scan far below the cost of inflating the input.
// `visit(at)` returns false to stop the scan (the input must be parsed).
template <typename Visit> bool scan_scalar(std::string_view data, std::size_t from, Visit&& visit) {
  for (std::size_t i = from; i < data.size(); ++i) {
    if (data[i] == '\\' && i + 1 < data.size() && data[i + 1] == 'u') {
      return false;
    }
    if (data[i] == 'e' && i + k_key.size() <= data.size() &&
        std::memcmp(data.data() + i, k_key.data(), k_key.size()) == 0 && !visit(i)) {
      return false;
    }
  }
  return true;
}

#if TRAILWATCH_X86
// Verifies the candidate positions in `keys` (bit k = position base + k) and visits the real
// `eventName` occurrences. Returns false when `visit` stops the scan.
template <typename Visit>
bool visit_candidates(const char* p, std::size_t base, unsigned keys, Visit& visit) {
  while (keys != 0) {
    const std::size_t at = base + static_cast<std::size_t>(__builtin_ctz(keys));
    if (std::memcmp(p + at, k_key.data(), k_key.size()) == 0 && !visit(at)) {
      return false;
    }
    keys &= keys - 1;
  }
  return true;
}

template <typename Visit>
__attribute__((target("avx2"))) bool scan_avx2(std::string_view data, Visit&& visit) {
  const char* p = data.data();
  const std::size_t n = data.size();
  const __m256i e = _mm256_set1_epi8('e');
  const __m256i big_n = _mm256_set1_epi8('N');
  const __m256i backslash = _mm256_set1_epi8('\\');
  const __m256i u = _mm256_set1_epi8('u');
  std::size_t i = 0;
  for (; i + 32 + k_key.size() <= n; i += 32) {
    const __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i));
    const __m256i a1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i + 1));
    const __m256i a5 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i + 5));
    const auto escapes = static_cast<unsigned>(_mm256_movemask_epi8(
        _mm256_and_si256(_mm256_cmpeq_epi8(a, backslash), _mm256_cmpeq_epi8(a1, u))));
    if (escapes != 0) {
      return false;
    }
    const auto keys = static_cast<unsigned>(_mm256_movemask_epi8(
        _mm256_and_si256(_mm256_cmpeq_epi8(a, e), _mm256_cmpeq_epi8(a5, big_n))));
    if (!visit_candidates(p, i, keys, visit)) {
      return false;
    }
  }
  return scan_scalar(data, i, visit);
}

template <typename Visit> bool scan_sse2(std::string_view data, Visit&& visit) {
  const char* p = data.data();
  const std::size_t n = data.size();
  const __m128i e = _mm_set1_epi8('e');
  const __m128i big_n = _mm_set1_epi8('N');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i u = _mm_set1_epi8('u');
  std::size_t i = 0;
  for (; i + 16 + k_key.size() <= n; i += 16) {
    const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    const __m128i a1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i + 1));
    const __m128i a5 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i + 5));
    if (_mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(a, backslash), _mm_cmpeq_epi8(a1, u))) !=
        0) {
      return false;
    }
    const auto keys = static_cast<unsigned>(
        _mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(a, e), _mm_cmpeq_epi8(a5, big_n))));
    if (!visit_candidates(p, i, keys, visit)) {
      return false;
    }
  }
  return scan_scalar(data, i, visit);
}
#endif

// True when no `\u` escape is seen and `visit` accepted every `eventName` occurrence.
template <typename Visit> bool scan(std::string_view data, Visit&& visit) {
#if TRAILWATCH_X86
  static const bool avx2 = __builtin_cpu_supports("avx2");
  return avx2 ? scan_avx2(data, visit) : scan_sse2(data, visit);
#else
  return scan_scalar(data, 0, visit);
#endif
}

} // namespace

Prefilter::Prefilter(std::vector<std::string> event_names, bool enabled)
    : m_names(std::move(event_names)), m_enabled(enabled && !m_names.empty()) {}

bool Prefilter::wanted(std::string_view name) const {
  return util::name_wanted(m_names, name); // names and patterns (`UpdateFunctionConfiguration*`)
}

bool Prefilter::may_match(std::string_view data) const {
  if (!m_enabled) {
    return true;
  }
  // Looks at the `eventName` at `at`. The key may sit at any level of JSON-in-a-string
  // (lookup-events CloudTrailEvent strings, even nested): at level n every quote around the key
  // and the value is preceded by the same run of backslashes (0, 1, 3, 7, …). Anything that does
  // not fit that shape exactly means "parse it": the test must never skip a record a full parse
  // would read.
  auto classify = [&](std::size_t at) {
    if (at == 0 || data[at - 1] != '"') {
      return Occurrence::not_a_key; // part of a longer word ("insightEventName")
    }
    std::size_t level = 0; // backslashes before each quote
    while (at >= 2 + level && data[at - 2 - level] == '\\') {
      ++level;
    }
    // `data[i]` starts `level` backslashes and a quote.
    auto quote_at = [&](std::size_t i) {
      for (std::size_t k = 0; k < level; ++k) {
        if (i + k >= data.size() || data[i + k] != '\\') {
          return false;
        }
      }
      return i + level < data.size() && data[i + level] == '"';
    };
    std::size_t i = at + k_key.size();
    if (i >= data.size() || (data[i] != '"' && data[i] != '\\')) {
      return Occurrence::not_a_key; // "eventNameX": another key
    }
    if (!quote_at(i)) {
      return Occurrence::must_parse;
    }
    i += level + 1;
    while (i < data.size() && is_space(data[i])) {
      ++i;
    }
    if (i >= data.size() || data[i] != ':') {
      return Occurrence::not_a_key; // a value "eventName", not a key
    }
    ++i;
    while (i < data.size() && is_space(data[i])) {
      ++i;
    }
    if (!quote_at(i)) {
      return Occurrence::must_parse; // eventName of another type, or something unusual
    }
    const std::size_t start = i + level + 1;
    std::size_t end = start;
    while (end < data.size() && data[end] != '"' && data[end] != '\\') {
      ++end;
    }
    if (end >= data.size() || !quote_at(end)) {
      return Occurrence::must_parse; // an escape inside the name, or a cut input
    }
    return wanted(util::trim(data.substr(start, end - start))) ? Occurrence::must_parse
                                                               : Occurrence::unwanted;
  };
  return !scan(data, [&](std::size_t at) { return classify(at) != Occurrence::must_parse; });
}

} // namespace trailwatch
