// SPDX-License-Identifier: MIT
#include "util/net.hpp"

#include <arpa/inet.h>
#include <cstring>
#include <string>

namespace trailwatch::util {
namespace {

constexpr std::array<std::uint8_t, 12> k_mapped_prefix = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

bool is_mapped(const std::array<std::uint8_t, 16>& b) {
  return std::memcmp(b.data(), k_mapped_prefix.data(), k_mapped_prefix.size()) == 0;
}

} // namespace

std::string IpAddress::to_string() const {
  char buf[INET6_ADDRSTRLEN] = {};
  if (is_v4) {
    inet_ntop(AF_INET, bytes.data() + 12, buf, sizeof buf);
  } else {
    inet_ntop(AF_INET6, bytes.data(), buf, sizeof buf);
  }
  return buf;
}

std::optional<IpAddress> parse_ip(std::string_view text) {
  // inet_pton needs a NUL-terminated string; addresses are short, anything longer is not one.
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN ||
      text.find('\0') != std::string_view::npos) {
    return std::nullopt;
  }
  const std::string copy(text);
  IpAddress address;
  std::uint8_t v4[4];
  if (inet_pton(AF_INET, copy.c_str(), v4) == 1) {
    std::memcpy(address.bytes.data(), k_mapped_prefix.data(), k_mapped_prefix.size());
    std::memcpy(address.bytes.data() + 12, v4, 4);
    address.is_v4 = true;
    return address;
  }
  if (inet_pton(AF_INET6, copy.c_str(), address.bytes.data()) == 1) {
    address.is_v4 = is_mapped(address.bytes);
    return address;
  }
  return std::nullopt;
}

bool Cidr::contains(const IpAddress& address) const {
  int bits = prefix;
  for (std::size_t i = 0; i < 16 && bits > 0; ++i, bits -= 8) {
    const std::uint8_t mask = bits >= 8 ? 0xff : static_cast<std::uint8_t>(0xff << (8 - bits));
    if ((address.bytes[i] & mask) != (network.bytes[i] & mask)) {
      return false;
    }
  }
  return true;
}

std::optional<Cidr> parse_cidr(std::string_view text) {
  const auto slash = text.find('/');
  const auto address = parse_ip(text.substr(0, slash));
  if (!address) {
    return std::nullopt;
  }
  Cidr cidr{*address, 128};
  if (slash != std::string_view::npos) {
    const auto digits = text.substr(slash + 1);
    if (digits.empty() || digits.size() > 3) {
      return std::nullopt;
    }
    int prefix = 0;
    for (char c : digits) {
      if (c < '0' || c > '9') {
        return std::nullopt;
      }
      prefix = prefix * 10 + (c - '0');
    }
    const int max = address->is_v4 ? 32 : 128;
    if (prefix > max) {
      return std::nullopt;
    }
    cidr.prefix = address->is_v4 ? prefix + 96 : prefix;
  }
  return cidr;
}

bool is_private_or_reserved(const IpAddress& address) {
  static const char* const k_ranges[] = {
      "0.0.0.0/8",      "10.0.0.0/8",    "100.64.0.0/10", "127.0.0.0/8",
      "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24",  "192.168.0.0/16",
      "198.18.0.0/15",  "224.0.0.0/4",   "240.0.0.0/4",   "::/128",
      "::1/128",        "fc00::/7",      "fe80::/10",     "ff00::/8",
  };
  static const auto k_cidrs = [] {
    std::array<Cidr, std::size(k_ranges)> cidrs{};
    for (std::size_t i = 0; i < std::size(k_ranges); ++i) {
      cidrs[i] = *parse_cidr(k_ranges[i]);
    }
    return cidrs;
  }();
  for (const auto& cidr : k_cidrs) {
    if (cidr.contains(address)) {
      return true;
    }
  }
  return false;
}

} // namespace trailwatch::util
