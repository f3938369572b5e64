// SPDX-License-Identifier: MIT
// Field: one name a rule or a sink reads, resolved once when the rule loads. Three kinds:
// - a derived fact, `trailwatch.<name>` (facts/registry.hpp);
// - a common CloudTrail field trailwatch normalises (eventName trimmed, eventTime in RFC 3339,
//   userIdentity keys in any case): read from the Event;
// - any other dotted path of the record (`requestParameters.bucketName`,
//   `additionalEventData.MFAUsed`): read from the kept record (Record::values).
#pragma once

#include "trailwatch/event.hpp"
#include "trailwatch/geo.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace trailwatch {

struct FactField;

class Field {
public:
  // Resolves `name`. Empty with `error` set for an unknown `trailwatch.` fact or a malformed
  // path (empty segments).
  static std::optional<Field> resolve(std::string_view name, std::string& error);

  const std::string& name() const { return m_name; }
  // True when the value comes from GeoIP enrichment.
  bool needs_geo() const;
  // True for eventName (the reader's fast path keys on it).
  bool is_event_name() const;
  // Appends the values of this field for `event` (none when absent).
  void values(const Event& event, const GeoInfo& geo, std::vector<std::string>& out) const;

  // True when the field is present in `event` (a record member holding JSON null included).
  bool present(const Event& event, const GeoInfo& geo) const;

  // The common fields read from the Event, for messages and the README.
  static std::vector<std::string_view> common_names();

  // One common field: its name and how to read it from the Event.
  struct Common {
    std::string_view name;
    const std::string& (*get)(const Event& event);
  };

private:
  std::string m_name;
  const FactField* m_fact = nullptr;
  const Common* m_common = nullptr;
};

// The values of the fields named `names` (a rule's Sigma `fields:`) for `event`, in order; a
// name that does not resolve has none. The one place sinks turn `fields:` into values.
std::vector<std::vector<std::string>> field_values(const std::vector<std::string>& names,
                                                   const Event& event, const GeoInfo& geo);

} // namespace trailwatch
