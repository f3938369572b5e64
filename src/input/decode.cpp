// SPDX-License-Identifier: MIT
#include "input/decode.hpp"

#include <cstring>
#include <fmt/format.h>
#include <libdeflate.h>
#include <limits>
#include <memory>
#include <new>
#include <sanitizer/asan_interface.h>
#include <sys/mman.h>
#include <unistd.h>
#include <utility>

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

// The most a deflate stream of `compressed` bytes can inflate to: 1032 : 1 (zlib's FAQ), plus
// slack for the gzip framing of tiny inputs.
std::size_t worst_case_output(std::size_t compressed) {
  constexpr std::size_t k_max_ratio = 1032;
  if (compressed > std::numeric_limits<std::size_t>::max() / k_max_ratio - 4096) {
    return std::numeric_limits<std::size_t>::max();
  }
  return compressed * k_max_ratio + 4096;
}

// A likely size for the member at `offset`: the trailer's ISIZE (the last member's size modulo
// 2^32, exact for the usual single-member file), at least 8 x the compressed bytes left.
std::size_t size_hint(std::string_view input, std::size_t offset) {
  std::size_t hint = std::max(k_min_guess, (input.size() - offset) * 8);
  if (input.size() >= 18) {
    const auto* trailer = reinterpret_cast<const unsigned char*>(input.data() + input.size() - 4);
    const std::size_t isize = std::size_t{trailer[0]} | (std::size_t{trailer[1]} << 8) |
                              (std::size_t{trailer[2]} << 16) | (std::size_t{trailer[3]} << 24);
    hint = std::max(hint, isize);
  }
  return hint;
}

std::size_t page_round(std::size_t n) {
  static const std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  return (n + page - 1) / page * page;
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

Buffer::~Buffer() {
  if (m_data != nullptr) {
    ASAN_UNPOISON_MEMORY_REGION(m_data, m_mapped); // the next mapping here starts clean
    ::munmap(m_data, m_mapped);
  }
}

Buffer::Buffer(Buffer&& other) noexcept
    : m_data(std::exchange(other.m_data, nullptr)), m_size(std::exchange(other.m_size, 0)),
      m_capacity(std::exchange(other.m_capacity, 0)), m_mapped(std::exchange(other.m_mapped, 0)) {}

Buffer& Buffer::operator=(Buffer&& other) noexcept {
  Buffer moved(std::move(other));
  std::swap(m_data, moved.m_data);
  std::swap(m_size, moved.m_size);
  std::swap(m_capacity, moved.m_capacity);
  std::swap(m_mapped, moved.m_mapped);
  return *this;
}

char* Buffer::try_reserve_more(std::size_t n) {
  if (m_data != nullptr && n <= m_capacity - m_size) {
    ASAN_UNPOISON_MEMORY_REGION(m_data + m_size, n + k_padding);
    return m_data + m_size;
  }
  if (n > std::numeric_limits<std::size_t>::max() / 2 - m_size) {
    return nullptr;
  }
  const std::size_t capacity = std::max(m_size + n, m_capacity + m_capacity / 2);
  const std::size_t mapped = page_round(capacity + k_padding);
  if (m_data != nullptr) {
    ASAN_UNPOISON_MEMORY_REGION(m_data, m_mapped); // mremap may move the pages away
  }
  void* memory = m_data == nullptr ? ::mmap(nullptr, mapped, PROT_READ | PROT_WRITE,
                                            MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)
                                   : ::mremap(m_data, m_mapped, mapped, MREMAP_MAYMOVE);
  if (memory == MAP_FAILED) {
    return nullptr;
  }
  m_data = static_cast<char*>(memory);
  m_capacity = mapped - k_padding;
  m_mapped = mapped;
  ASAN_UNPOISON_MEMORY_REGION(m_data, m_mapped);
  return m_data + m_size;
}

void Buffer::poison_tail() {
  if (m_data != nullptr) {
    ASAN_UNPOISON_MEMORY_REGION(m_data, m_size + k_padding);
    ASAN_POISON_MEMORY_REGION(m_data + m_size + k_padding, m_mapped - m_size - k_padding);
  }
}

char* Buffer::reserve_more(std::size_t n) {
  char* room = try_reserve_more(n);
  if (room == nullptr) {
    throw std::bad_alloc();
  }
  return room;
}

void Buffer::append(std::string_view bytes) {
  if (bytes.empty()) {
    return;
  }
  std::memcpy(reserve_more(bytes.size()), bytes.data(), bytes.size());
  commit(bytes.size());
}

std::string decode_into(std::string_view input, std::size_t max_output, Buffer& out, bool& gzip,
                        DecodeCounters* counters) {
  out.clear();
  gzip = looks_gzip(input);
  if (!gzip) {
    out.append(input);
    return {};
  }
  DecodeCounters unused;
  DecodeCounters& count = counters != nullptr ? *counters : unused;
  auto* decompressor = thread_decompressor();
  std::size_t offset = 0;
  while (offset < input.size()) {
    const std::string_view member = input.substr(offset);
    if (!looks_gzip(member)) {
      return fmt::format("trailing garbage after gzip data at byte {}", offset);
    }
    // Room for everything this member can produce within the limit, so it is decompressed
    // once. Only when the address space is refused (strict overcommit) does a smaller room,
    // from the hint, and a retry on LIBDEFLATE_INSUFFICIENT_SPACE stand in.
    const std::size_t left = max_output - std::min(max_output, out.size());
    std::size_t room = std::min(left, worst_case_output(member.size()));
    char* target = out.try_reserve_more(room);
    while (target == nullptr && room > k_min_guess) {
      room = std::max(std::min(room / 2, size_hint(input, offset)), k_min_guess);
      target = out.try_reserve_more(room);
    }
    if (target == nullptr) {
      target = out.reserve_more(room); // throws std::bad_alloc: nothing smaller would do
    }
    for (;;) {
      std::size_t in_used = 0, out_used = 0;
      ++count.inflate_calls;
      const auto rc = libdeflate_gzip_decompress_ex(decompressor, member.data(), member.size(),
                                                    target, room, &in_used, &out_used);
      if (rc == LIBDEFLATE_SUCCESS) {
        out.commit(out_used);
        offset += in_used;
        ++count.members;
        break;
      }
      if (rc == LIBDEFLATE_INSUFFICIENT_SPACE) {
        if (room >= left) {
          return fmt::format("decompressed size exceeds the limit of {} bytes", max_output);
        }
        room = std::min(left, room * 2);
        target = out.reserve_more(room);
        continue;
      }
      // Truncated or corrupt member: recover what zlib can read, then stop.
      std::string prefix;
      std::string error = inflate_prefix(member, prefix, left);
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
