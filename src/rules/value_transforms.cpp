// SPDX-License-Identifier: MIT
// base64offset follows the Sigma specification: the value is encoded at the three byte offsets
// it can have inside a longer base64 text, and only the characters that do not depend on the
// unknown neighbours are kept. utf16 adds a little-endian byte order mark; wide is utf16le.
// windash writes every '-' as each dash a Windows command line accepts.
#include "rules/value_transforms.hpp"

#include <array>

namespace trailwatch {

bool parse_value_transform(std::string_view name, ValueTransform& out) {
  struct Name {
    std::string_view name;
    ValueTransform transform;
  };
  static constexpr std::array<Name, 7> k_names = {{{"base64", ValueTransform::base64},
                                                   {"base64offset", ValueTransform::base64offset},
                                                   {"utf16le", ValueTransform::utf16le},
                                                   {"wide", ValueTransform::utf16le},
                                                   {"utf16be", ValueTransform::utf16be},
                                                   {"utf16", ValueTransform::utf16},
                                                   {"windash", ValueTransform::windash}}};
  for (const auto& entry : k_names) {
    if (entry.name == name) {
      out = entry.transform;
      return true;
    }
  }
  return false;
}

std::string base64_encode(std::string_view bytes) {
  static constexpr char k_alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const unsigned n = (static_cast<unsigned char>(bytes[i]) << 16) |
                       (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                       static_cast<unsigned char>(bytes[i + 2]);
    out += k_alphabet[(n >> 18) & 63];
    out += k_alphabet[(n >> 12) & 63];
    out += k_alphabet[(n >> 6) & 63];
    out += k_alphabet[n & 63];
  }
  if (i + 1 == bytes.size()) {
    const unsigned n = static_cast<unsigned char>(bytes[i]) << 16;
    out += k_alphabet[(n >> 18) & 63];
    out += k_alphabet[(n >> 12) & 63];
    out += "==";
  } else if (i + 2 == bytes.size()) {
    const unsigned n = (static_cast<unsigned char>(bytes[i]) << 16) |
                       (static_cast<unsigned char>(bytes[i + 1]) << 8);
    out += k_alphabet[(n >> 18) & 63];
    out += k_alphabet[(n >> 12) & 63];
    out += k_alphabet[(n >> 6) & 63];
    out += '=';
  }
  return out;
}

namespace {

// UTF-8 → UTF-16 code units (invalid bytes are taken as Latin-1).
std::vector<char16_t> utf16_units(std::string_view text) {
  std::vector<char16_t> units;
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    unsigned cp = c;
    std::size_t length = 1;
    if (c >= 0xF0 && i + 3 < text.size() + 0) {
      cp = ((c & 0x07u) << 18) | ((static_cast<unsigned char>(text[i + 1]) & 0x3Fu) << 12) |
           ((static_cast<unsigned char>(text[i + 2]) & 0x3Fu) << 6) |
           (static_cast<unsigned char>(text[i + 3]) & 0x3Fu);
      length = 4;
    } else if (c >= 0xE0 && i + 2 < text.size()) {
      cp = ((c & 0x0Fu) << 12) | ((static_cast<unsigned char>(text[i + 1]) & 0x3Fu) << 6) |
           (static_cast<unsigned char>(text[i + 2]) & 0x3Fu);
      length = 3;
    } else if (c >= 0xC0 && i + 1 < text.size()) {
      cp = ((c & 0x1Fu) << 6) | (static_cast<unsigned char>(text[i + 1]) & 0x3Fu);
      length = 2;
    }
    if (cp >= 0x10000) {
      cp -= 0x10000;
      units.push_back(static_cast<char16_t>(0xD800 + (cp >> 10)));
      units.push_back(static_cast<char16_t>(0xDC00 + (cp & 0x3FF)));
    } else {
      units.push_back(static_cast<char16_t>(cp));
    }
    i += length;
  }
  return units;
}

std::string utf16_bytes(std::string_view text, bool little_endian, bool bom) {
  std::string out;
  if (bom) {
    out += "\xFF\xFE";
  }
  for (const char16_t unit : utf16_units(text)) {
    const char low = static_cast<char>(unit & 0xFF);
    const char high = static_cast<char>(unit >> 8);
    out += little_endian ? low : high;
    out += little_endian ? high : low;
  }
  return out;
}

// The three base64 texts of `value` at offsets 0, 1 and 2 inside a longer text, trimmed to the
// characters that do not depend on the bytes around it.
std::vector<std::string> base64_offsets(std::string_view value) {
  static constexpr std::array<std::size_t, 3> k_start = {0, 2, 3};
  std::vector<std::string> out;
  for (std::size_t shift = 0; shift < 3; ++shift) {
    const std::string encoded = base64_encode(std::string(shift, ' ') + std::string(value));
    const std::size_t tail = std::array<std::size_t, 3>{0, 3, 2}[(value.size() + shift) % 3];
    if (encoded.size() < k_start[shift] + tail) {
      continue;
    }
    out.push_back(encoded.substr(k_start[shift], encoded.size() - k_start[shift] - tail));
  }
  return out;
}

} // namespace

std::vector<std::string> apply_value_transform(ValueTransform transform,
                                               const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const auto& value : values) {
    switch (transform) {
    case ValueTransform::base64:
      out.push_back(base64_encode(value));
      break;
    case ValueTransform::base64offset:
      for (auto& variant : base64_offsets(value)) {
        out.push_back(std::move(variant));
      }
      break;
    case ValueTransform::utf16le:
      out.push_back(utf16_bytes(value, true, false));
      break;
    case ValueTransform::utf16be:
      out.push_back(utf16_bytes(value, false, false));
      break;
    case ValueTransform::utf16:
      out.push_back(utf16_bytes(value, true, true));
      break;
    case ValueTransform::windash:
      // Every '-' as each of - / – — ― (the same one throughout), the value as written first.
      for (const std::string_view dash : {"-", "/", "\u2013", "\u2014", "\u2015"}) {
        std::string variant;
        for (const char c : value) {
          if (c == '-') {
            variant += dash;
          } else {
            variant += c;
          }
        }
        if (dash == "-" || variant != value) {
          out.push_back(std::move(variant));
        }
      }
      break;
    }
  }
  return out;
}

} // namespace trailwatch
