// SPDX-License-Identifier: MIT
// Decoding input bytes: gzip is detected by its magic bytes (1f 8b), never by file name.
//
// Whole files go through libdeflate, member by member (multi-member gzip such as `cat a.gz b.gz`
// works). When libdeflate rejects a member (truncated or corrupt), zlib's streaming inflater
// recovers every byte before the damage, so complete records before it are still read.
// stdin uses StreamDecoder: zlib streaming, bounded memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <zlib.h>

namespace trailwatch {

// Bytes of slack after decoded data, so simdjson can read past the end (SIMDJSON_PADDING).
inline constexpr std::size_t k_padding = 64;

// True when `bytes` starts with the gzip magic.
bool looks_gzip(std::string_view bytes);

// Result of decoding one whole input.
struct Decoded {
  std::string data;  // decoded bytes; capacity() >= size() + k_padding
  bool gzip = false; // the input was gzip
  std::string error; // non-empty when decoding stopped early (data holds what came before)
};

// Decodes `input` (gzip or plain). Stops with an error past `max_output` bytes (gzip bombs).
Decoded decode_all(std::string_view input, std::size_t max_output);

// Makes sure `buffer` has k_padding bytes of capacity after its size.
void ensure_padding(std::string& buffer);

// Incremental decoder for streams: plain bytes pass through, gzip (any number of members) is
// inflated. Call feed() with each chunk read, then finish() at end of input.
class StreamDecoder {
public:
  StreamDecoder();
  ~StreamDecoder();
  StreamDecoder(const StreamDecoder&) = delete;
  StreamDecoder& operator=(const StreamDecoder&) = delete;

  // Decodes `chunk` and appends the output to `out`. Returns false on a gzip error (error()).
  bool feed(std::string_view chunk, std::string& out);
  // Ends the stream, appending any held-back bytes to `out`. Returns false when a gzip member
  // was cut off (error()).
  bool finish(std::string& out);
  const std::string& error() const { return m_error; }
  bool gzip() const { return m_mode == Mode::gzip; }

private:
  enum class Mode { unknown, plain, gzip, failed };
  Mode m_mode = Mode::unknown;
  std::string m_head; // first byte, while the magic is still undecided
  z_stream m_zs{};
  bool m_in_member = false;
  bool m_zs_ready = false;
  std::string m_error;
};

} // namespace trailwatch
