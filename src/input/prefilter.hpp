// SPDX-License-Identifier: MIT
// Prefilter: decides from a decoded input's raw bytes, without parsing it, that it cannot hold
// a record any rule wants, so the whole input is skipped at memory speed.
//
// Real trails hold about one launch per several thousand records, so most files hold none. The
// test is conservative: an input is skipped only when every occurrence of the key `eventName`
// (plain, or escaped inside a lookup-events CloudTrailEvent string) has a value that no rule
// wants, compared case-insensitively, and the input holds no `\u` escape (which could spell a
// key or a name in another way). Anything unusual around an occurrence means "parse it".
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace trailwatch {

// The byte scans, widest first: AVX-512 (64 bytes a step), AVX2 (32), SSE2 (16), scalar.
enum class ScanKind { avx512, avx2, sse2, scalar };

// The scans this CPU runs, widest first (the prefilter uses the first; tests try them all).
std::vector<ScanKind> supported_scans();

class Prefilter {
public:
  // `event_names`: the names some rule can match; `enabled` false when a rule can match any
  // record (then nothing is ever skipped).
  Prefilter(std::vector<std::string> event_names, bool enabled);

  // False only when `data` certainly holds no record with a wanted eventName.
  bool may_match(std::string_view data) const;
  // As may_match(), with the scan `kind` (one of supported_scans()).
  bool may_match(std::string_view data, ScanKind kind) const;
  bool enabled() const { return m_enabled; }

private:
  bool wanted(std::string_view name) const;
  std::vector<std::string> m_names;    // plain names, compared ignoring ASCII case
  std::vector<std::string> m_patterns; // names holding `*`, `?` or `\`: util::name_wanted
  bool m_enabled;
  ScanKind m_scan;
};

} // namespace trailwatch
