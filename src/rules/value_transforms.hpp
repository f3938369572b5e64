// SPDX-License-Identifier: MIT
// Sigma's value-transforming modifiers, applied to a rule's values when the rule loads, in the
// order they are written (`field|wide|base64offset|contains`): each turns one value into one or
// more variants, and the field matches a value when it matches any of its variants.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace trailwatch {

enum class ValueTransform { base64, base64offset, utf16le, utf16be, utf16, windash };

// The transform named `name` ("base64", "wide", …), or false.
bool parse_value_transform(std::string_view name, ValueTransform& out);

// Applies `transform` to each of `values` (the variants of one rule value).
std::vector<std::string> apply_value_transform(ValueTransform transform,
                                               const std::vector<std::string>& values);

// Standard base64 with padding.
std::string base64_encode(std::string_view bytes);

} // namespace trailwatch
