// SPDX-License-Identifier: MIT
// GeoInfo: what the enricher says about an event's sourceIPAddress.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace trailwatch {

// How a sourceIPAddress value was classified (cloudtrail.md §6).
enum class SourceKind {
  unknown,      // not classified (no enricher ran)
  public_ip,    // a public IPv4/IPv6 address: looked up
  private_ip,   // private, loopback, link-local or other reserved range: not looked up
  aws_service,  // an AWS service DNS name such as autoscaling.amazonaws.com
  aws_internal, // "AWS Internal" or "AWS Internal/<n>"
  invalid,      // not a valid address (e.g. anonymised 06.237.252.245)
  empty,        // field absent or empty
};

// Returns the lower-case name used in output (`public`, `private`, `aws-service`, ...).
const char* source_kind_name(SourceKind kind);

// Enrichment of one source address. Empty strings mean "not known".
struct GeoInfo {
  SourceKind kind = SourceKind::unknown;
  std::string ip;           // normalised address (IPv4-mapped IPv6 → dotted IPv4)
  std::string country;      // ISO 3166-1 alpha-2
  std::string country_name; // English name where the database has it
  std::string city;
  std::optional<std::uint32_t> asn;
  std::string asn_org;
};

} // namespace trailwatch
