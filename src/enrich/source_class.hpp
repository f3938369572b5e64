// SPDX-License-Identifier: MIT
// Classification of an event's sourceIPAddress (cloudtrail.md §6), shared by the classifying
// enricher and the GeoIP enricher so both label values the same way.
#pragma once

#include "trailwatch/geo.hpp"

#include <string_view>

namespace trailwatch {

// Classifies `source_ip` exactly as given (no trimming) and returns a GeoInfo with only `kind`
// and `ip` set:
//   ""                                   → empty
//   "AWS Internal", "AWS Internal/<n>"   → aws_internal
//   DNS-like name ("ec2.amazonaws.com")  → aws_service
//   address accepted by inet_pton        → private_ip or public_ip; `ip` holds the normalised text
//                                          (IPv4-mapped IPv6 → dotted IPv4, IPv6 per RFC 5952)
//   anything else ("8.8.8", "06.237.252.245", "fe80::1%lo", "1.2.3.4 ")  → invalid
// `ip` stays empty for every kind but private_ip and public_ip. Never throws.
GeoInfo classify_source(std::string_view source_ip);

} // namespace trailwatch
