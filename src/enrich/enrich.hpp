// SPDX-License-Identifier: MIT
// Enricher: turns an event's sourceIPAddress into GeoInfo. Implementations must be safe to call
// from several threads at once.
#pragma once

#include "trailwatch/geo.hpp"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace trailwatch {

// Describes one database an enricher uses, for --version and diagnostics.
struct DatabaseInfo {
  std::string path;
  std::string type;        // metadata database_type
  std::string build_date;  // UTC date from metadata build_epoch
  std::string layout;      // "maxmind-country", "maxmind-city", "asn", "country_code", ...
  std::string description; // metadata description (English): the data's source and licence
};

class Enricher {
public:
  virtual ~Enricher() = default;
  // Classifies `source_ip` and looks it up where that makes sense. Never throws on bad input.
  virtual GeoInfo lookup(std::string_view source_ip) = 0;
  // The databases in use (empty for the classifier-only enricher).
  virtual std::vector<DatabaseInfo> databases() const = 0;
};

// An enricher with no database: classifies the source (public/private/service/...) only.
std::unique_ptr<Enricher> make_classifying_enricher();

} // namespace trailwatch
