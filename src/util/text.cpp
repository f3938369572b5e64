// SPDX-License-Identifier: MIT
#include "util/text.hpp"

#include "util/json_writer.hpp"

#include <fmt/format.h>

namespace trailwatch::util {

std::size_t invisible_control_length(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) {
    return i + k < text.size() ? static_cast<unsigned char>(text[i + k]) : 0u;
  };
  const unsigned c = byte(0);
  if (c < 0x20 || c == 0x7F) {
    return 1;
  }
  if (c == 0xC2 && byte(1) >= 0x80 && byte(1) <= 0x9F) {
    return 2; // C1 control (e.g. U+009B, a one-character CSI)
  }
  if (c == 0xD8 && byte(1) == 0x9C) {
    return 2; // U+061C ARABIC LETTER MARK
  }
  if (c == 0xE2 && byte(1) == 0x80 &&
      ((byte(2) >= 0x8B && byte(2) <= 0x8F) || (byte(2) >= 0xA8 && byte(2) <= 0xAE))) {
    return 3; // zero-width characters, LRM/RLM; line/paragraph separators, embeddings, overrides
  }
  if (c == 0xE2 && byte(1) == 0x81 && byte(2) >= 0xA0 && byte(2) <= 0xA9) {
    return 3; // word joiner and invisible operators; bidi isolates U+2066..U+2069
  }
  if (c == 0xEF && byte(1) == 0xBB && byte(2) == 0xBF) {
    return 3; // U+FEFF zero-width no-break space
  }
  return 0;
}

namespace {

// The code point of the valid UTF-8 sequence of `length` bytes at `text[i]`.
unsigned code_point(std::string_view text, std::size_t i, std::size_t length) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(text[i + k]); };
  if (length == 1) {
    return b(0);
  }
  if (length == 2) {
    return ((b(0) & 0x1Fu) << 6) | (b(1) & 0x3Fu);
  }
  return ((b(0) & 0x0Fu) << 12) | ((b(1) & 0x3Fu) << 6) | (b(2) & 0x3Fu);
}

} // namespace

std::string printable(std::string_view text) {
  const std::string clean = sanitize_utf8(text);
  std::string out;
  out.reserve(clean.size());
  for (std::size_t i = 0; i < clean.size();) {
    const std::size_t length = invisible_control_length(clean, i);
    if (length == 0) {
      out += clean[i++];
    } else if (length == 1) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(clean[i]));
      ++i;
    } else {
      out += fmt::format("\\u{:04x}", code_point(clean, i, length));
      i += length;
    }
  }
  return out;
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) {
      out += separator;
    }
    out += item;
  }
  return out;
}

std::string to_upper(std::string_view text) {
  std::string out(text);
  for (auto& c : out) {
    if (c >= 'a' && c <= 'z') {
      c = static_cast<char>(c - 'a' + 'A');
    }
  }
  return out;
}

} // namespace trailwatch::util
