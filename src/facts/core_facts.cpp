// SPDX-License-Identifier: MIT
// The core domain: facts every record has — the readable actor, the account, the base of the
// error code, and what the GeoIP enrichment says about sourceIPAddress.
#include "facts/registry.hpp"

#include <array>

namespace trailwatch {
namespace {

void push(std::vector<std::string>& out, std::string_view value) {
  if (!value.empty()) {
    out.emplace_back(value);
  }
}

constexpr std::array<FactField, 7> k_fields = {{
    {"trailwatch.actor", false,
     [](const Event& e, const GeoInfo&, std::vector<std::string>& out) { push(out, e.actor); }},
    {"trailwatch.account", false,
     [](const Event& e, const GeoInfo&, std::vector<std::string>& out) { push(out, e.account); }},
    {"trailwatch.errorCodeBase", false,
     [](const Event& e, const GeoInfo&, std::vector<std::string>& out) {
       // "Client.UnauthorizedOperation" → "UnauthorizedOperation".
       const std::string_view code = e.error_code;
       const auto dot = code.rfind('.');
       push(out, dot == std::string_view::npos ? code : code.substr(dot + 1));
     }},
    {"trailwatch.sourceKind", true,
     [](const Event&, const GeoInfo& geo, std::vector<std::string>& out) {
       if (geo.kind != SourceKind::unknown) {
         push(out, source_kind_name(geo.kind));
       }
     }},
    {"trailwatch.country", true,
     [](const Event&, const GeoInfo& geo, std::vector<std::string>& out) {
       push(out, geo.country);
     }},
    {"trailwatch.asn", true,
     [](const Event&, const GeoInfo& geo, std::vector<std::string>& out) {
       if (geo.asn) {
         out.push_back(std::to_string(*geo.asn));
       }
     }},
    {"trailwatch.asnOrg", true,
     [](const Event&, const GeoInfo& geo, std::vector<std::string>& out) {
       push(out, geo.asn_org);
     }},
}};

} // namespace

// Actor and account are computed with the common fields (facts/event_builder.cpp), so the core
// domain has nothing more to extract.
const FactsDomain k_core_domain = {
    "core",
    [](std::string_view) { return true; },
    [](Event&, const simdjson::dom::object&, std::string&) {},
    k_fields,
};

} // namespace trailwatch
