// SPDX-License-Identifier: MIT
// Record: one CloudTrail record kept whole — its own copy of the JSON bytes, parsed into a DOM
// lazily and at most once — so rules, sinks and the state can read any field of it.
//
// Only records whose eventName some rule can match are kept (the reader's fast path); each costs
// its JSON text plus, once read, simdjson's tape (about 2–3 × the text). A Record is cheap to
// copy (shared, immutable) and safe to read from several threads.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace simdjson::dom {
class element;
}

namespace trailwatch {

class Record {
public:
  // An empty record (no JSON): every path is absent.
  Record();
  // Keeps a copy of `json` (one JSON object).
  explicit Record(std::string_view json);

  // The record's JSON text as read (empty for an empty record).
  std::string_view json() const;
  bool empty() const;

  // The parsed record; built on first use. False (and `out` untouched) when the text is not a
  // JSON object; the reader has validated the text of every record it keeps.
  bool root(simdjson::dom::element& out) const;

  // Appends the values at the dotted `path` (`requestParameters.instanceType`,
  // `userIdentity.sessionContext.sessionIssuer.userName`) as text, for rules and sinks:
  // - a path through an array looks at each element; an array of scalars gives each element;
  // - strings as they are, numbers and booleans as their JSON text, objects (and arrays of
  //   objects) as compact JSON; JSON null and absent fields give nothing;
  // - keys are compared exactly (CloudTrail keys are case-sensitive); when an object has no key
  //   spelled exactly so, a key equal ignoring ASCII case is used (some exports lower-case
  //   `userIdentity` keys).
  void values(std::string_view path, std::vector<std::string>& out) const;

  // Appends every scalar value of the record, at any depth (strings as they are, numbers and
  // booleans as their JSON text; keys and nulls are not values): what Sigma keyword
  // selections search.
  void scalar_values(std::vector<std::string>& out) const;

private:
  struct Data;
  std::shared_ptr<Data> m_data;
};

} // namespace trailwatch
