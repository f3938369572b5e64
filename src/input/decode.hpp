// SPDX-License-Identifier: MIT
// Decoding input bytes: gzip is detected by its magic bytes (1f 8b), never by file name.
//
// Whole files go through libdeflate, member by member (multi-member gzip such as `cat a.gz b.gz`
// works), each member decompressed exactly once: libdeflate cannot resume, so each call gets room
// for the member's worst case (deflate expands at most 1032 : 1, capped by the size limit) as
// reserved address space, of which only the bytes written become memory. When libdeflate rejects a
// member (truncated or corrupt), zlib's streaming inflater recovers every byte before the damage,
// so complete records before it are still read. stdin uses StreamDecoder: zlib streaming, bounded
// memory.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <zlib.h>

namespace trailwatch {

// Bytes of slack after decoded data, so simdjson can read past the end (SIMDJSON_PADDING).
inline constexpr std::size_t k_padding = 64;

// True when `bytes` starts with the gzip magic.
bool looks_gzip(std::string_view bytes);

// A growable byte buffer that never zero-fills and keeps k_padding bytes of slack after its
// data (for simdjson). Its memory is an anonymous mapping reserved without commit charge
// (MAP_NORESERVE): room that is reserved but never written costs address space only, and growth
// moves pages (mremap) instead of copying bytes. Workers reuse one across files, so large inputs
// cost no page faults after the first.
class Buffer {
public:
  Buffer() = default;
  ~Buffer();
  Buffer(Buffer&& other) noexcept;
  Buffer& operator=(Buffer&& other) noexcept;
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;

  char* data() { return m_data; }
  const char* data() const { return m_data; }
  std::size_t size() const { return m_size; }
  std::string_view view() const { return {m_data, m_size}; }
  void clear() {
    m_size = 0;
    poison_tail();
  }
  // Returns room for at least `n` more bytes at the end; commit() what was written. Throws
  // std::bad_alloc when the address space is refused.
  char* reserve_more(std::size_t n);
  // As reserve_more(), but returns nullptr (and keeps the data) when the space is refused.
  char* try_reserve_more(std::size_t n);
  void commit(std::size_t n) {
    m_size += n;
    poison_tail();
  }
  void append(std::string_view bytes);
  // Drops everything past `size`.
  void truncate(std::size_t size) {
    m_size = std::min(m_size, size);
    poison_tail();
  }

private:
  // Under AddressSanitizer, marks the bytes past the data and its padding unreadable (as a heap
  // buffer's end would be), so reading beyond them is reported; no code otherwise.
  void poison_tail();

  char* m_data = nullptr;
  std::size_t m_size = 0;
  std::size_t m_capacity = 0; // usable bytes; the mapping is m_mapped >= m_capacity + k_padding
  std::size_t m_mapped = 0;
};

// What decode_into() did, for tests and --stats: one libdeflate call per member means no
// member was decompressed twice.
struct DecodeCounters {
  std::size_t members = 0;       // gzip members decoded completely
  std::size_t inflate_calls = 0; // libdeflate calls, including ones that ran out of room
};

// Decodes `input` (gzip or plain) into `out` (cleared first). Stops with an error past
// `max_output` bytes (gzip bombs). Returns the error text, empty on success; `gzip` tells
// whether the input was gzip.
std::string decode_into(std::string_view input, std::size_t max_output, Buffer& out, bool& gzip,
                        DecodeCounters* counters = nullptr);

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
