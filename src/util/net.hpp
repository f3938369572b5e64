// SPDX-License-Identifier: MIT
// IP address helpers with no trailwatch types: strict parsing (inet_pton only — never the
// legacy forms glibc's getaddrinfo accepts, such as "8.8.8" or octal "06.237.252.245"),
// IPv4-mapped IPv6 normalisation, CIDR containment and private/reserved ranges.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace trailwatch::util {

// An IPv4 or IPv6 address. IPv4 is stored as an IPv4-mapped IPv6 address (::ffff:a.b.c.d) so
// one 16-byte compare serves both families.
struct IpAddress {
  std::array<std::uint8_t, 16> bytes{};
  bool is_v4 = false;

  // Canonical text: dotted quad for IPv4 (including mapped input), RFC 5952 for IPv6.
  std::string to_string() const;
};

// Parses `text` strictly with inet_pton; IPv4-mapped IPv6 becomes IPv4. Empty on failure.
std::optional<IpAddress> parse_ip(std::string_view text);

// A network in CIDR notation ("10.0.0.0/8", "2001:db8::/32"); a bare address is a /32 or /128.
struct Cidr {
  IpAddress network;
  int prefix = 0; // in bits of the 128-bit mapped form

  bool contains(const IpAddress& address) const;
};

// Parses `text` as a CIDR or a single address. Empty on failure.
std::optional<Cidr> parse_cidr(std::string_view text);

// True for private, loopback, link-local, CGNAT, documentation-free reserved and multicast
// ranges: addresses a GeoIP database has nothing useful to say about.
bool is_private_or_reserved(const IpAddress& address);

} // namespace trailwatch::util
