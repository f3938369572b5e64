// SPDX-License-Identifier: MIT
#include "input/record.hpp"

#include "facts/actor.hpp"
#include "facts/launch.hpp"
#include "util/strings.hpp"

#include <simdjson.h>

namespace trailwatch {
namespace {

namespace dom = simdjson::dom;

std::string string_at(dom::object object, std::string_view key) {
  std::string_view s;
  if (!object[key].get_string().get(s)) {
    return std::string(s);
  }
  return {};
}

// userIdentity keys are matched case-insensitively: hand-written exports write `accesskeyid`.
std::string string_ci(dom::object object, std::string_view key) {
  for (auto [name, value] : object) {
    if (util::iequals(name, key)) {
      std::string_view s;
      if (!value.get_string().get(s)) {
        return std::string(s);
      }
    }
  }
  return {};
}

Identity read_identity(dom::element element) {
  Identity identity;
  dom::object object;
  if (element.get_object().get(object)) {
    return identity;
  }
  identity.type = string_ci(object, "type");
  identity.arn = string_ci(object, "arn");
  identity.account_id = string_ci(object, "accountId");
  identity.principal_id = string_ci(object, "principalId");
  identity.user_name = string_ci(object, "userName");
  identity.access_key_id = string_ci(object, "accessKeyId");
  identity.invoked_by = string_ci(object, "invokedBy");
  identity.identity_provider = string_ci(object, "identityProvider");
  dom::object session;
  if (!object["sessionContext"].get_object().get(session)) {
    dom::object issuer;
    if (!session["sessionIssuer"].get_object().get(issuer)) {
      identity.session_issuer_user_name = string_at(issuer, "userName");
    }
    identity.source_identity = string_at(session, "sourceIdentity");
  }
  dom::object on_behalf_of;
  if (!object["onBehalfOf"].get_object().get(on_behalf_of)) {
    identity.identity_user_id = string_at(on_behalf_of, "userId");
    const std::string store_arn = string_at(on_behalf_of, "identityStoreArn");
    identity.identity_store_id = store_arn.substr(store_arn.rfind('/') + 1);
  }
  return identity;
}

bool digits(std::string_view s, std::size_t from, std::size_t count) {
  if (from + count > s.size()) {
    return false;
  }
  for (std::size_t i = from; i < from + count; ++i) {
    if (s[i] < '0' || s[i] > '9') {
      return false;
    }
  }
  return true;
}

} // namespace

std::string normalise_event_time(std::string_view t) {
  // "YYYY-MM-DD?HH:MM:SS" with ? = 'T' or ' ', then optional fraction and "Z" / "+00:00".
  if (t.size() < 19 || !digits(t, 0, 4) || t[4] != '-' || !digits(t, 5, 2) || t[7] != '-' ||
      !digits(t, 8, 2) || (t[10] != 'T' && t[10] != ' ') || !digits(t, 11, 2) || t[13] != ':' ||
      !digits(t, 14, 2) || t[16] != ':' || !digits(t, 17, 2)) {
    return std::string(t);
  }
  std::size_t i = 19;
  if (i < t.size() && t[i] == '.') {
    ++i;
    while (i < t.size() && t[i] >= '0' && t[i] <= '9') {
      ++i;
    }
  }
  const std::string_view zone = t.substr(i);
  if (!zone.empty() && zone != "Z" && zone != "+00:00" && zone != "+0000") {
    return std::string(t); // another offset: keep what the producer wrote
  }
  std::string out(t.substr(0, 19));
  out[10] = 'T';
  out += 'Z';
  return out;
}

std::string_view trim(std::string_view text) {
  return util::trim(text);
}

Event materialise(const RecordFields& f, dom::parser& parser, Origin origin) {
  Event event;
  event.event_time = normalise_event_time(f.event_time);
  event.event_id = f.event_id;
  event.event_source = f.event_source;
  event.event_name = trim(f.event_name);
  event.event_type = f.event_type;
  event.aws_region = f.aws_region;
  event.recipient_account_id = f.recipient_account_id;
  event.source_ip = f.source_ip;
  event.user_agent = f.user_agent;
  event.error_code = f.error_code;
  event.error_message = f.error_message;
  event.origin = std::move(origin);

  // One DOM parser per thread, reused: each parse replaces the previous document, so each
  // nested object is fully read before the next is parsed.
  dom::element element;
  if (!f.user_identity_json.empty() &&
      !parser.parse(f.user_identity_json.data(), f.user_identity_json.size()).get(element)) {
    event.identity = read_identity(element);
  }
  event.account =
      event.identity.account_id.empty() ? event.recipient_account_id : event.identity.account_id;
  event.actor = readable_actor(event.identity);

  if (is_launch_api(event.event_name)) {
    // Request and response must be alive at once: parse them with two parsers.
    thread_local dom::parser response_parser;
    dom::element request, response;
    const bool has_request =
        !f.request_json.empty() &&
        !parser.parse(f.request_json.data(), f.request_json.size()).get(request);
    const bool has_response =
        !f.response_json.empty() &&
        !response_parser.parse(f.response_json.data(), f.response_json.size()).get(response);
    event.launch =
        extract_launch(event.event_name, event.error_code, has_request ? &request : nullptr,
                       has_response ? &response : nullptr);
  }
  return event;
}

} // namespace trailwatch
