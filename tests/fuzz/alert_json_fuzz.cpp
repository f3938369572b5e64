// SPDX-License-Identifier: MIT
// alert_json_fuzz: the JSON form of an alert, which the state stores and reads back for every
// pending Slack post (a row that does not read back is an alert never delivered).
//   1. alert_from_json on the raw bytes: a bad row gives std::runtime_error (its contract),
//      never a crash or another exception type.
//   2. An alert built from the bytes (fields split at 0xFF, see fuzz_support.hpp; any bytes,
//      invalid UTF-8 included, any numbers): alert_to_json → alert_from_json → alert_to_json
//      gives the same text, and the read-back never throws.
#include "alert/alert_json.hpp"
#include "fuzz_support.hpp"

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace trailwatch;
  try {
    alert_from_json(std::string_view(reinterpret_cast<const char*>(data), size));
  } catch (const std::runtime_error&) {
    // Malformed alert JSON: the documented outcome.
  }

  fuzz::FieldSource in(data, size);
  Alert alert = fuzz::alert_from_fields(in);
  if (alert.rule_id.empty()) {
    alert.rule_id = "rule"; // an alert always has a rule; "" is rejected on purpose
  }
  const std::string first = alert_to_json(alert);
  std::string second;
  try {
    second = alert_to_json(alert_from_json(first));
  } catch (const std::exception& e) {
    fuzz::fail(std::string("alert_from_json rejected alert_to_json's output: ") + e.what(), first);
  }
  fuzz::require(first == second, "alert JSON does not round-trip",
                "first:  " + first + "\n  second: " + second);
  return 0;
}
