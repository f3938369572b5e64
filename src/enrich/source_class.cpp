// SPDX-License-Identifier: MIT
// sourceIPAddress classification and the classifier-only enricher.
//
// The order of the checks matters: "AWS Internal" first (it has a space, so it would otherwise be
// invalid), then addresses via inet_pton (util::parse_ip), then DNS-like service names. A name
// must end in a label with a letter, so the legacy IPv4 forms glibc accepts ("8.8.8", octal
// "06.237.252.245") can never pass as names; they fail inet_pton too and end up invalid.
#include "enrich/source_class.hpp"

#include "enrich/enrich.hpp"
#include "util/net.hpp"

#include <cstddef>
#include <memory>

namespace trailwatch {
namespace {

constexpr std::string_view k_aws_internal = "AWS Internal";
constexpr std::size_t k_max_name_length = 253; // RFC 1035 limit for a DNS name in text form
constexpr std::size_t k_max_label_length = 63;

bool is_ascii_letter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_ascii_digit(char c) {
  return c >= '0' && c <= '9';
}

// "AWS Internal" or "AWS Internal/<digits>".
bool is_aws_internal(std::string_view text) {
  if (!text.starts_with(k_aws_internal)) {
    return false;
  }
  const auto rest = text.substr(k_aws_internal.size());
  if (rest.empty()) {
    return true;
  }
  if (rest.size() < 2 || rest.front() != '/') {
    return false;
  }
  for (char c : rest.substr(1)) {
    if (!is_ascii_digit(c)) {
      return false;
    }
  }
  return true;
}

// True for a host name of two or more dot-separated labels of letters, digits and inner hyphens,
// whose last label contains a letter (as every top-level domain does).
bool is_dns_name(std::string_view text) {
  if (text.empty() || text.size() > k_max_name_length) {
    return false;
  }
  std::size_t labels = 0;
  bool last_has_letter = false;
  std::size_t start = 0;
  while (true) {
    const auto dot = text.find('.', start);
    const auto label = text.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (label.empty() || label.size() > k_max_label_length || label.front() == '-' ||
        label.back() == '-') {
      return false;
    }
    last_has_letter = false;
    for (char c : label) {
      if (is_ascii_letter(c)) {
        last_has_letter = true;
      } else if (!is_ascii_digit(c) && c != '-') {
        return false;
      }
    }
    ++labels;
    if (dot == std::string_view::npos) {
      break;
    }
    start = dot + 1;
  }
  return labels >= 2 && last_has_letter;
}

// Classifies only; never looks anything up.
class ClassifyingEnricher final : public Enricher {
public:
  GeoInfo lookup(std::string_view source_ip) override { return classify_source(source_ip); }
  std::vector<DatabaseInfo> databases() const override { return {}; }
};

} // namespace

GeoInfo classify_source(std::string_view source_ip) {
  GeoInfo info;
  if (source_ip.empty()) {
    info.kind = SourceKind::empty;
  } else if (is_aws_internal(source_ip)) {
    info.kind = SourceKind::aws_internal;
  } else if (source_ip.find('\0') != std::string_view::npos) {
    // util::parse_ip hands a NUL-terminated copy to inet_pton, which would stop at an embedded
    // NUL and accept "1.2.3.4\0junk"; such a value is never an address.
    info.kind = SourceKind::invalid;
  } else if (const auto address = util::parse_ip(source_ip)) {
    info.kind =
        util::is_private_or_reserved(*address) ? SourceKind::private_ip : SourceKind::public_ip;
    info.ip = address->to_string();
  } else if (is_dns_name(source_ip)) {
    info.kind = SourceKind::aws_service;
  } else {
    info.kind = SourceKind::invalid;
  }
  return info;
}

std::unique_ptr<Enricher> make_classifying_enricher() {
  return std::make_unique<ClassifyingEnricher>();
}

} // namespace trailwatch
