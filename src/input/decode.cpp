// SPDX-License-Identifier: MIT
#include "input/decode.hpp"

#include <cstring>
#include <fmt/format.h>
#include <libdeflate.h>
#include <memory>

namespace trailwatch {
namespace {

constexpr std::size_t k_min_guess = 1 << 20;

struct DecompressorDeleter {
  void operator()(libdeflate_decompressor* d) const { libdeflate_free_decompressor(d); }
};

// One decompressor per thread: allocation is cheap but not free, and it is not thread-safe.
libdeflate_decompressor* thread_decompressor() {
  thread_local std::unique_ptr<libdeflate_decompressor, DecompressorDeleter> d(
      libdeflate_alloc_decompressor());
  return d.get();
}

// Inflates with zlib from `input` into `out` until the data ends or breaks; used to recover
// the readable prefix of a damaged gzip stream. Returns the error text ("" if none).
std::string inflate_prefix(std::string_view input, std::string& out, std::size_t max_output) {
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 16) != Z_OK) {
    return "zlib initialisation failed";
  }
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
  zs.avail_in = static_cast<uInt>(input.size());
  std::string error;
  char buf[1 << 16];
  for (;;) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    const int rc = inflate(&zs, Z_NO_FLUSH);
    out.append(buf, sizeof buf - zs.avail_out);
    if (out.size() > max_output) {
      error = fmt::format("decompressed size exceeds the limit of {} bytes", max_output);
      break;
    }
    if (rc == Z_STREAM_END) {
      if (zs.avail_in == 0) {
        break;
      }
      inflateReset(&zs);
      continue;
    }
    if (rc == Z_BUF_ERROR || (rc == Z_OK && zs.avail_in == 0 && zs.avail_out != 0)) {
      error = "truncated gzip data";
      break;
    }
    if (rc != Z_OK) {
      error = fmt::format("corrupt gzip data ({})", zs.msg ? zs.msg : "inflate error");
      break;
    }
  }
  inflateEnd(&zs);
  return error;
}

} // namespace

bool looks_gzip(std::string_view bytes) {
  return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
         static_cast<unsigned char>(bytes[1]) == 0x8b;
}

void ensure_padding(std::string& buffer) {
  if (buffer.capacity() < buffer.size() + k_padding) {
    buffer.reserve(buffer.size() + k_padding);
  }
}

char* Buffer::reserve_more(std::size_t n) {
  if (!m_data || m_size + n > m_capacity) {
    const std::size_t capacity = std::max(m_size + n, m_capacity + m_capacity / 2);
    std::unique_ptr<char[]> bigger(new char[capacity + k_padding]);
    if (m_size > 0) {
      std::memcpy(bigger.get(), m_data.get(), m_size);
    }
    m_data = std::move(bigger);
    m_capacity = capacity;
  }
  return m_data.get() + m_size;
}

void Buffer::append(std::string_view bytes) {
  if (bytes.empty()) {
    return;
  }
  std::memcpy(reserve_more(bytes.size()), bytes.data(), bytes.size());
  commit(bytes.size());
}

std::string decode_into(std::string_view input, std::size_t max_output, Buffer& out, bool& gzip) {
  out.clear();
  gzip = looks_gzip(input);
  if (!gzip) {
    out.append(input);
    return {};
  }
  auto* decompressor = thread_decompressor();
  std::size_t offset = 0;
  while (offset < input.size()) {
    const std::string_view member = input.substr(offset);
    if (!looks_gzip(member)) {
      return fmt::format("trailing garbage after gzip data at byte {}", offset);
    }
    // ISIZE (the last 4 bytes of the input) is the size of the last member, modulo 2^32: exact
    // for the usual single-member file, so the first member starts from it and a file that
    // compresses better than 8 : 1 is no longer decompressed, thrown away and decompressed
    // again. Otherwise start from a generous guess; grow on LIBDEFLATE_INSUFFICIENT_SPACE.
    std::size_t guess = std::max(k_min_guess, member.size() * 8);
    if (offset == 0 && input.size() >= 18) {
      const auto* trailer = reinterpret_cast<const unsigned char*>(input.data() + input.size() - 4);
      const std::size_t isize = std::size_t{trailer[0]} | (std::size_t{trailer[1]} << 8) |
                                (std::size_t{trailer[2]} << 16) | (std::size_t{trailer[3]} << 24);
      guess = std::max(guess, isize);
    }
    for (;;) {
      guess = std::min(guess, max_output - std::min(max_output, out.size()));
      char* target = out.reserve_more(guess);
      std::size_t in_used = 0, out_used = 0;
      const auto rc = libdeflate_gzip_decompress_ex(decompressor, member.data(), member.size(),
                                                    target, guess, &in_used, &out_used);
      if (rc == LIBDEFLATE_SUCCESS) {
        out.commit(out_used);
        offset += in_used;
        break;
      }
      if (rc == LIBDEFLATE_INSUFFICIENT_SPACE) {
        if (out.size() + guess >= max_output) {
          return fmt::format("decompressed size exceeds the limit of {} bytes", max_output);
        }
        guess *= 2;
        continue;
      }
      // Truncated or corrupt member: recover what zlib can read, then stop.
      std::string prefix;
      std::string error = inflate_prefix(member, prefix, max_output - out.size());
      out.append(prefix);
      return error.empty() ? std::string("corrupt gzip data") : error;
    }
  }
  return {};
}

Decoded decode_all(std::string_view input, std::size_t max_output) {
  Buffer buffer;
  Decoded result;
  result.error = decode_into(input, max_output, buffer, result.gzip);
  result.data.reserve(buffer.size() + k_padding);
  result.data.assign(buffer.view());
  return result;
}

StreamDecoder::StreamDecoder() = default;

StreamDecoder::~StreamDecoder() {
  if (m_zs_ready) {
    inflateEnd(&m_zs);
  }
}

bool StreamDecoder::feed(std::string_view chunk, std::string& out) {
  if (m_mode == Mode::failed) {
    return false;
  }
  if (m_mode == Mode::unknown) {
    m_head.append(chunk);
    if (m_head.size() < 2) {
      return true;
    }
    m_mode = looks_gzip(m_head) ? Mode::gzip : Mode::plain;
    const std::string head = std::move(m_head);
    m_head.clear();
    return feed(head, out);
  }
  if (m_mode == Mode::plain) {
    out.append(chunk);
    return true;
  }
  if (!m_zs_ready) {
    if (inflateInit2(&m_zs, 15 + 16) != Z_OK) {
      m_error = "zlib initialisation failed";
      m_mode = Mode::failed;
      return false;
    }
    m_zs_ready = true;
  }
  m_zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(chunk.data()));
  m_zs.avail_in = static_cast<uInt>(chunk.size());
  char buf[1 << 16];
  while (m_zs.avail_in > 0) {
    if (!m_in_member) {
      // A new member must start with the magic; anything else is trailing garbage.
      if (m_zs.avail_in >= 1 && static_cast<unsigned char>(*m_zs.next_in) != 0x1f) {
        m_error = "trailing garbage after gzip data";
        m_mode = Mode::failed;
        return false;
      }
      m_in_member = true;
    }
    m_zs.next_out = reinterpret_cast<Bytef*>(buf);
    m_zs.avail_out = sizeof buf;
    const int rc = inflate(&m_zs, Z_NO_FLUSH);
    out.append(buf, sizeof buf - m_zs.avail_out);
    if (rc == Z_STREAM_END) {
      inflateReset(&m_zs);
      m_in_member = false;
      continue;
    }
    if (rc == Z_BUF_ERROR) {
      break; // needs more input
    }
    if (rc != Z_OK) {
      m_error = fmt::format("corrupt gzip data ({})", m_zs.msg ? m_zs.msg : "inflate error");
      m_mode = Mode::failed;
      return false;
    }
  }
  return true;
}

bool StreamDecoder::finish(std::string& out) {
  if (m_mode == Mode::unknown) {
    out += m_head; // fewer than two bytes in all: plain
    m_head.clear();
    return true;
  }
  if (m_mode == Mode::failed) {
    return false;
  }
  if (m_mode == Mode::gzip && m_in_member) {
    m_error = "truncated gzip data";
    return false;
  }
  return true;
}

} // namespace trailwatch
