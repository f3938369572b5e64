// SPDX-License-Identifier: MIT
// GeoIP enricher: discovery, opening and lookups in MaxMind DB files with libmaxminddb 1.7.1.
//
// Approach. Every source value is classified first (source_class.cpp); only public addresses
// reach a database. The address was already parsed strictly by inet_pton, so it is handed to
// libmaxminddb as a sockaddr (MMDB_lookup_sockaddr) and never re-parsed by getaddrinfo, whose
// legacy forms ("8.8.8", octal octets, "%scope") would look up the wrong address. An IPv4 address
// (including IPv4-mapped IPv6 input, normalised by util::parse_ip) is looked up as AF_INET, so it
// finds the IPv4 data whether or not the database aliases ::ffff:0:0/96.
//
// Traps (integrations.md §1.2): error 11 is an IPv6 lookup in an IPv4-only database and means "no
// data"; MMDB_get_value status 9 means "key absent"; check has_data and the type before reading;
// utf8_string is not NUL-terminated and points into the mmap, so copy `data_size` bytes. A failed
// MMDB_open must never be followed by MMDB_close.
//
// What a file holds is decided from metadata database_type and by probing the first data records
// of its search tree for the keys of each layout (MaxMind country/city, ASN, ip-location-db flat
// country_code/city), never from its file name. Lookups try every known key with a type check,
// so a layout the probe under-estimated still gives its data.
#include "enrich/geoip.hpp"
#include "enrich/source_class.hpp"
#include "trailwatch/diag.hpp"
#include "trailwatch/error.hpp"
#include "util/data_dir.hpp"
#include "util/net.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <limits>
#include <mutex>
#include <netinet/in.h>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <sys/socket.h>
#include <system_error>
#include <unordered_map>
#include <utility>
#include <vector>

// maxminddb.h 1.7.1 defines _POSIX_C_SOURCE when it is unset: include it after system headers.
#include <maxminddb.h>

namespace trailwatch {
namespace {

namespace fs = std::filesystem;

// Upper bound on cached lookups; past it results are still computed, just not stored.
constexpr std::size_t k_max_cache_entries = 1 << 18;
// Probing limits: search-tree nodes visited and data records examined per database.
constexpr std::size_t k_probe_max_nodes = 8192;
constexpr std::size_t k_probe_max_records = 64;

// What a database can answer. Roles are what de-duplication compares.
enum Role : unsigned { k_role_country = 1, k_role_city = 2, k_role_asn = 4 };

struct Layout {
  bool maxmind_country = false; // country/iso_code or registered_country/iso_code
  bool maxmind_city = false;    // city/names map
  bool flat_country = false;    // country_code string (ip-location-db)
  bool flat_city = false;       // city string (ip-location-db city)
  bool asn = false;             // autonomous_system_number

  unsigned roles() const {
    unsigned r = 0;
    if (maxmind_country || maxmind_city || flat_country || flat_city) {
      r |= k_role_country;
    }
    if (maxmind_city || flat_city) {
      r |= k_role_city;
    }
    if (asn) {
      r |= k_role_asn;
    }
    return r;
  }

  // "maxmind-city", "country_code", "asn", "maxmind-country+asn", ...; empty when unknown.
  std::string name() const {
    std::string out;
    const auto add = [&out](std::string_view part) {
      if (!out.empty()) {
        out += '+';
      }
      out += part;
    };
    if (maxmind_city) {
      add("maxmind-city");
    } else if (maxmind_country) {
      add("maxmind-country");
    }
    if (flat_city) {
      add("flat-city");
    } else if (flat_country) {
      add("country_code");
    }
    if (asn) {
      add("asn");
    }
    return out;
  }
};

// The fields one database gave for one address.
struct Found {
  std::string country;
  std::string country_name;
  std::string city;
  std::optional<std::uint32_t> asn;
  std::string asn_org;
};

std::string to_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

std::string errno_text(int error) {
  return std::error_code(error, std::generic_category()).message();
}

// The English description in `meta` (the first one when none is English); empty when absent.
std::string english_description(const MMDB_metadata_s& meta) {
  std::string first;
  for (std::size_t i = 0; i < meta.description.count; ++i) {
    const MMDB_description_s* entry = meta.description.descriptions[i];
    if (entry == nullptr || entry->description == nullptr) {
      continue;
    }
    if (entry->language != nullptr && std::string_view(entry->language) == "en") {
      return entry->description;
    }
    if (first.empty()) {
      first = entry->description;
    }
  }
  return first;
}

// UTC date of `epoch` as YYYY-MM-DD.
std::string format_date(std::uint64_t epoch) {
  if (epoch > static_cast<std::uint64_t>(std::numeric_limits<std::time_t>::max())) {
    return {};
  }
  const auto seconds = static_cast<std::time_t>(epoch);
  std::tm tm{};
  if (gmtime_r(&seconds, &tm) == nullptr) {
    return {};
  }
  char buf[32] = {};
  if (std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm) == 0) {
    return {};
  }
  return buf;
}

// Statuses of a value read that mean "this record has no such key", not a broken file.
bool is_absent_status(int status) {
  return status == MMDB_LOOKUP_PATH_DOES_NOT_MATCH_DATA_ERROR ||
         status == MMDB_INVALID_LOOKUP_PATH_ERROR;
}

// Reads the value at `path` (keys, no terminator) below `entry` into `data`. Returns the
// libmaxminddb status; on success `data.has_data` may still be false.
template <std::size_t N>
int get_value(const MMDB_entry_s& entry, MMDB_entry_data_s& data,
              const std::array<const char*, N>& path) {
  std::array<const char*, N + 1> terminated{};
  std::copy(path.begin(), path.end(), terminated.begin());
  terminated[N] = nullptr;
  MMDB_entry_s start = entry; // MMDB_aget_value takes a non-const pointer
  data = MMDB_entry_data_s{};
  return MMDB_aget_value(&start, &data, terminated.data());
}

// Reads a UTF-8 string at `path`; nullopt when absent or not a string. Sets `error` on failure.
template <std::size_t N>
std::optional<std::string> read_string(const MMDB_entry_s& entry,
                                       const std::array<const char*, N>& path, int& error) {
  MMDB_entry_data_s data;
  const int status = get_value(entry, data, path);
  if (status != MMDB_SUCCESS) {
    if (!is_absent_status(status)) {
      error = status;
    }
    return std::nullopt;
  }
  if (!data.has_data || data.type != MMDB_DATA_TYPE_UTF8_STRING || data.utf8_string == nullptr) {
    return std::nullopt;
  }
  return std::string(data.utf8_string, data.data_size);
}

// Reads an unsigned number that fits 32 bits (any unsigned type, or a non-negative int32).
template <std::size_t N>
std::optional<std::uint32_t> read_uint32(const MMDB_entry_s& entry,
                                         const std::array<const char*, N>& path, int& error) {
  MMDB_entry_data_s data;
  const int status = get_value(entry, data, path);
  if (status != MMDB_SUCCESS) {
    if (!is_absent_status(status)) {
      error = status;
    }
    return std::nullopt;
  }
  if (!data.has_data) {
    return std::nullopt;
  }
  constexpr auto k_max = std::numeric_limits<std::uint32_t>::max();
  switch (data.type) {
  case MMDB_DATA_TYPE_UINT16:
    return data.uint16;
  case MMDB_DATA_TYPE_UINT32:
    return data.uint32;
  case MMDB_DATA_TYPE_UINT64:
    if (data.uint64 <= k_max) {
      return static_cast<std::uint32_t>(data.uint64);
    }
    return std::nullopt;
  case MMDB_DATA_TYPE_UINT128: {
#if MMDB_UINT128_IS_BYTE_ARRAY
    for (std::size_t i = 0; i < 12; ++i) {
      if (data.uint128[i] != 0) {
        return std::nullopt;
      }
    }
    return static_cast<std::uint32_t>(data.uint128[12]) << 24 |
           static_cast<std::uint32_t>(data.uint128[13]) << 16 |
           static_cast<std::uint32_t>(data.uint128[14]) << 8 |
           static_cast<std::uint32_t>(data.uint128[15]);
#else
    const auto value = data.uint128;
    if (value <= k_max) {
      return static_cast<std::uint32_t>(value);
    }
    return std::nullopt;
#endif
  }
  case MMDB_DATA_TYPE_INT32:
    if (data.int32 >= 0) {
      return static_cast<std::uint32_t>(data.int32);
    }
    return std::nullopt;
  default:
    return std::nullopt;
  }
}

// True when `path` below `entry` holds a value of `type`. Sets `error` on failure.
template <std::size_t N>
bool has_type(const MMDB_entry_s& entry, const std::array<const char*, N>& path, std::uint32_t type,
              int& error) {
  MMDB_entry_data_s data;
  const int status = get_value(entry, data, path);
  if (status != MMDB_SUCCESS) {
    if (!is_absent_status(status)) {
      error = status;
    }
    return false;
  }
  return data.has_data && data.type == type;
}

// Every key path trailwatch reads.
constexpr std::array<const char*, 2> k_country_iso = {"country", "iso_code"};
constexpr std::array<const char*, 3> k_country_en = {"country", "names", "en"};
constexpr std::array<const char*, 2> k_registered_iso = {"registered_country", "iso_code"};
constexpr std::array<const char*, 3> k_registered_en = {"registered_country", "names", "en"};
constexpr std::array<const char*, 3> k_city_en = {"city", "names", "en"};
constexpr std::array<const char*, 2> k_city_names = {"city", "names"};
constexpr std::array<const char*, 1> k_country_code = {"country_code"};
constexpr std::array<const char*, 1> k_flat_city = {"city"};
constexpr std::array<const char*, 1> k_asn = {"autonomous_system_number"};
constexpr std::array<const char*, 1> k_asn_org = {"autonomous_system_organization"};

// Reads all known fields from one data record. `error` gets the first real failure status.
Found read_record(const MMDB_entry_s& entry, int& error) {
  Found found;
  if (auto iso = read_string(entry, k_country_iso, error)) {
    found.country = std::move(*iso);
    found.country_name = read_string(entry, k_country_en, error).value_or("");
  } else if (auto registered = read_string(entry, k_registered_iso, error)) {
    found.country = std::move(*registered);
    found.country_name = read_string(entry, k_registered_en, error).value_or("");
  } else if (auto code = read_string(entry, k_country_code, error)) {
    found.country = std::move(*code);
  }
  if (auto city = read_string(entry, k_city_en, error)) {
    found.city = std::move(*city);
  } else if (auto flat = read_string(entry, k_flat_city, error)) {
    found.city = std::move(*flat);
  }
  found.asn = read_uint32(entry, k_asn, error);
  if (found.asn) {
    found.asn_org = read_string(entry, k_asn_org, error).value_or("");
  }
  return found;
}

// Adds what the data record `entry` shows about the layout.
void probe_record(const MMDB_entry_s& entry, Layout& layout, int& error) {
  if (read_string(entry, k_country_iso, error) || read_string(entry, k_registered_iso, error)) {
    layout.maxmind_country = true;
  }
  if (has_type(entry, k_city_names, MMDB_DATA_TYPE_MAP, error)) {
    layout.maxmind_city = true;
  }
  if (read_string(entry, k_country_code, error)) {
    layout.flat_country = true;
  }
  if (read_string(entry, k_flat_city, error)) {
    layout.flat_city = true;
  }
  if (read_uint32(entry, k_asn, error)) {
    layout.asn = true;
  }
}

// Adds what a MaxMind-compatible `database_type` promises (GeoLite2-*, GeoIP2-*, DBIP-*).
void apply_type_hints(std::string_view type, Layout& layout) {
  if (!(type.starts_with("GeoLite2-") || type.starts_with("GeoIP2-") ||
        type.starts_with("DBIP-"))) {
    return;
  }
  if (contains(type, "City") || contains(type, "Enterprise")) {
    layout.maxmind_city = true;
    layout.maxmind_country = true;
  } else if (contains(type, "Country")) {
    layout.maxmind_country = true;
  }
  if (contains(type, "ASN") || contains(type, "ISP")) {
    layout.asn = true;
  }
}

// Closes a successfully opened database exactly once.
struct MmdbCloser {
  void operator()(MMDB_s* db) const {
    MMDB_close(db);
    delete db;
  }
};
using MmdbHandle = std::unique_ptr<MMDB_s, MmdbCloser>;

// One open database, read-only after construction and shared by all lookup threads.
class Database {
public:
  // Opens `path`; on failure returns nullptr and sets `reason` (MMDB_strerror and errno text).
  static std::unique_ptr<Database> open(const std::string& path, std::string& reason) {
    auto raw = std::make_unique<MMDB_s>();
    errno = 0;
    const int status = MMDB_open(path.c_str(), MMDB_MODE_MMAP, raw.get());
    const int saved_errno = errno;
    if (status != MMDB_SUCCESS) {
      // Never MMDB_close after a failed open (1.7.1 would munmap twice): just free the struct.
      reason = MMDB_strerror(status);
      if ((status == MMDB_FILE_OPEN_ERROR || status == MMDB_IO_ERROR) && saved_errno != 0) {
        reason += " (" + errno_text(saved_errno) + ")";
      }
      return nullptr;
    }
    auto db = std::unique_ptr<Database>(new Database(path, MmdbHandle(raw.release())));
    int error = MMDB_SUCCESS;
    db->m_layout = db->probe(error);
    if (error != MMDB_SUCCESS) {
      reason = std::string("corrupt database: ") + MMDB_strerror(error);
      return nullptr;
    }
    return db;
  }

  const std::string& path() const { return m_path; }
  const Layout& layout() const { return m_layout; }

  DatabaseInfo info() const {
    const auto& meta = m_db->metadata;
    return DatabaseInfo{m_path, meta.database_type != nullptr ? meta.database_type : "",
                        format_date(meta.build_epoch), m_layout.name(), english_description(meta)};
  }

  // Looks up `address`; empty fields when the database has nothing. Never throws on bad data:
  // a library error is reported once per database and counts as "no data".
  Found lookup(const util::IpAddress& address) const {
    sockaddr_storage storage{};
    if (address.is_v4) {
      auto* in = reinterpret_cast<sockaddr_in*>(&storage);
      in->sin_family = AF_INET;
      std::memcpy(&in->sin_addr, address.bytes.data() + 12, 4);
    } else {
      auto* in6 = reinterpret_cast<sockaddr_in6*>(&storage);
      in6->sin6_family = AF_INET6;
      std::memcpy(&in6->sin6_addr, address.bytes.data(), 16);
    }
    int mmdb_error = MMDB_SUCCESS;
    const MMDB_lookup_result_s result =
        MMDB_lookup_sockaddr(m_db.get(), reinterpret_cast<const sockaddr*>(&storage), &mmdb_error);
    if (mmdb_error == MMDB_IPV6_LOOKUP_IN_IPV4_DATABASE_ERROR) {
      return {}; // an IPv6 address in an IPv4-only database: no data
    }
    if (mmdb_error != MMDB_SUCCESS) {
      report(address, mmdb_error);
      return {};
    }
    if (!result.found_entry) {
      return {};
    }
    int error = MMDB_SUCCESS;
    Found found = read_record(result.entry, error);
    if (error != MMDB_SUCCESS) {
      report(address, error);
    }
    return found;
  }

private:
  Database(std::string path, MmdbHandle db) : m_path(std::move(path)), m_db(std::move(db)) {}

  // Walks the search tree depth-first from the root and examines the first data records it meets.
  Layout probe(int& error) const {
    Layout layout;
    const std::uint32_t node_count = m_db->metadata.node_count;
    std::vector<std::uint32_t> stack;
    if (node_count > 0) {
      stack.push_back(0);
    }
    std::size_t nodes = 0;
    std::size_t records = 0;
    while (!stack.empty() && nodes < k_probe_max_nodes && records < k_probe_max_records) {
      const std::uint32_t number = stack.back();
      stack.pop_back();
      ++nodes;
      MMDB_search_node_s node{};
      const int status = MMDB_read_node(m_db.get(), number, &node);
      if (status != MMDB_SUCCESS) {
        error = status;
        return layout;
      }
      // Right first onto the stack so the left (lower) addresses are examined first.
      const std::array<std::pair<std::uint64_t, std::uint8_t>, 2> sides = {
          std::pair{node.right_record, node.right_record_type},
          std::pair{node.left_record, node.left_record_type}};
      const std::array<const MMDB_entry_s*, 2> entries = {&node.right_record_entry,
                                                          &node.left_record_entry};
      for (std::size_t i = 0; i < sides.size(); ++i) {
        const auto [record, type] = sides[i];
        if (type == MMDB_RECORD_TYPE_SEARCH_NODE && record < node_count) {
          stack.push_back(static_cast<std::uint32_t>(record));
        } else if (type == MMDB_RECORD_TYPE_DATA) {
          ++records;
          probe_record(*entries[i], layout, error);
          if (error != MMDB_SUCCESS) {
            return layout;
          }
        } else if (type == MMDB_RECORD_TYPE_INVALID) {
          error = MMDB_CORRUPT_SEARCH_TREE_ERROR;
          return layout;
        }
      }
    }
    if (m_db->metadata.database_type != nullptr) {
      apply_type_hints(m_db->metadata.database_type, layout);
    }
    return layout;
  }

  void report(const util::IpAddress& address, int status) const {
    if (!m_reported.exchange(true)) {
      diag::warning("{}: GeoIP lookup of {} failed: {} (further errors from this database are not "
                    "shown)",
                    m_path, address.to_string(), MMDB_strerror(status));
    }
  }

  std::string m_path;
  MmdbHandle m_db;
  Layout m_layout;
  mutable std::atomic<bool> m_reported{false};
};

// Classifies every source and looks up public addresses in all databases. A per-run cache keyed
// by the normalised address holds the merged result of each public address.
class GeoipEnricher final : public Enricher {
public:
  explicit GeoipEnricher(std::vector<std::unique_ptr<Database>> databases)
      : m_databases(std::move(databases)) {}

  GeoInfo lookup(std::string_view source_ip) override {
    GeoInfo info = classify_source(source_ip);
    if (info.kind != SourceKind::public_ip) {
      return info; // only public addresses go to the databases (and the cache)
    }
    {
      std::shared_lock lock(m_cache_mutex);
      if (const auto it = m_cache.find(info.ip); it != m_cache.end()) {
        return it->second;
      }
    }
    const auto address = util::parse_ip(info.ip);
    if (!address) {
      return info;
    }
    for (const auto& db : m_databases) {
      merge(info, db->lookup(*address));
    }
    std::unique_lock lock(m_cache_mutex);
    if (m_cache.size() < k_max_cache_entries) {
      m_cache.emplace(info.ip, info);
    }
    return info;
  }

  std::vector<DatabaseInfo> databases() const override {
    std::vector<DatabaseInfo> out;
    out.reserve(m_databases.size());
    for (const auto& db : m_databases) {
      out.push_back(db->info());
    }
    return out;
  }

private:
  // The first database giving a field wins. A country name or city is only taken from a database
  // that agrees on the country (or gives none); the ASN organisation travels with its number.
  static void merge(GeoInfo& info, Found found) {
    if (info.country.empty() && !found.country.empty()) {
      info.country = std::move(found.country);
      info.country_name = std::move(found.country_name);
      if (info.city.empty()) {
        info.city = std::move(found.city);
      }
    } else if (found.country.empty() || found.country == info.country) {
      if (info.country_name.empty()) {
        info.country_name = std::move(found.country_name);
      }
      if (info.city.empty()) {
        info.city = std::move(found.city);
      }
    }
    merge_asn(info, found);
  }

  static void merge_asn(GeoInfo& info, Found& found) {
    if (!found.asn) {
      return;
    }
    if (!info.asn) {
      info.asn = found.asn;
      info.asn_org = std::move(found.asn_org);
    } else if (*info.asn == *found.asn && info.asn_org.empty()) {
      info.asn_org = std::move(found.asn_org);
    }
  }

  std::vector<std::unique_ptr<Database>> m_databases;
  std::shared_mutex m_cache_mutex;
  std::unordered_map<std::string, GeoInfo> m_cache;
};

// "--geoip PATH: " / "TRAILWATCH_GEOIP: PATH: " / "PATH: ".
std::string describe(const GeoipCandidate& candidate) {
  switch (candidate.origin) {
  case GeoipOrigin::flag:
    return "--geoip " + candidate.path;
  case GeoipOrigin::environment:
    return std::string(k_geoip_env) + ": " + candidate.path;
  case GeoipOrigin::discovered:
    break;
  }
  return candidate.path;
}

bool has_mmdb_extension(std::string_view lower_name) {
  return lower_name.ends_with(".mmdb");
}

// Names auto-discovery accepts (lower-case `name`).
bool is_known_database_name(std::string_view name) {
  if (!has_mmdb_extension(name)) {
    return false;
  }
  return name.starts_with("geolite2-") || name.starts_with("geoip2-") ||
         name.starts_with("dbip-") || name.starts_with("asn") || contains(name, "-country") ||
         contains(name, "-city") || contains(name, "-asn");
}

// The stem shared by a combined file and its halves: "x-ipv4.mmdb" → "x"; "" for other names.
std::string half_stem(std::string_view lower_name) {
  for (std::string_view suffix : {"-ipv4.mmdb", "-ipv6.mmdb"}) {
    if (lower_name.size() > suffix.size() && lower_name.ends_with(suffix)) {
      return std::string(lower_name.substr(0, lower_name.size() - suffix.size()));
    }
  }
  return {};
}

// The regular *.mmdb files of `dir` accepted by `accept` (lower-case name), sorted by name, with
// -ipv4/-ipv6 halves dropped when their combined file is present.
template <typename Accept>
std::vector<GeoipCandidate> list_folder(const fs::path& dir, GeoipOrigin origin, Accept accept) {
  std::vector<std::pair<std::string, fs::path>> files; // (lower-case name, path)
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code type_ec;
    if (!it->is_regular_file(type_ec)) {
      continue;
    }
    std::string lower = to_lower(it->path().filename().string());
    if (accept(lower)) {
      files.emplace_back(std::move(lower), it->path());
    }
  }
  std::sort(files.begin(), files.end(),
            [](const auto& a, const auto& b) { return a.second.filename() < b.second.filename(); });
  std::set<std::string> names;
  for (const auto& file : files) {
    names.insert(file.first);
  }
  std::vector<GeoipCandidate> out;
  for (const auto& [lower, path] : files) {
    const std::string stem = half_stem(lower);
    if (!stem.empty() && names.count(stem + ".mmdb") != 0) {
      diag::debug(2, "GeoIP: {}: using the combined {}.mmdb instead", path.string(), stem);
      continue;
    }
    const std::string group =
        (dir / (stem.empty() ? lower : stem + "-ipv*.mmdb")).lexically_normal().string();
    out.push_back(GeoipCandidate{path.lexically_normal().string(), origin, group, true});
  }
  return out;
}

// A canonical spelling of `path` for de-duplication (the path itself when that fails).
std::string canonical_key(const std::string& path) {
  std::error_code ec;
  const auto canonical = fs::weakly_canonical(path, ec);
  return ec ? path : canonical.string();
}

} // namespace

std::vector<GeoipCandidate> expand_geoip_paths(const std::vector<std::string>& paths,
                                               GeoipOrigin origin) {
  std::vector<GeoipCandidate> out;
  for (const auto& path : paths) {
    if (path.empty()) {
      throw Fatal(origin == GeoipOrigin::flag ? "--geoip: empty path" : "GeoIP: empty path");
    }
    GeoipCandidate candidate{path, origin, path, false};
    std::error_code ec;
    const auto status = fs::status(path, ec);
    if (fs::is_directory(status)) {
      auto found = list_folder(path, origin, has_mmdb_extension);
      if (found.empty()) {
        throw Fatal(describe(candidate) + ": no .mmdb files in this directory");
      }
      out.insert(out.end(), std::make_move_iterator(found.begin()),
                 std::make_move_iterator(found.end()));
    } else if (fs::exists(status) && !fs::is_regular_file(status)) {
      throw Fatal(describe(candidate) + ": not a regular file or directory");
    } else {
      // A regular file, or a missing path: MMDB_open reports the latter with its own message.
      out.push_back(std::move(candidate));
    }
  }
  return out;
}

std::vector<std::string> default_geoip_folders() {
  std::vector<std::string> folders;
  // The data folder found from the running binary (util/data_dir.hpp), never a build-time path.
  if (const auto data = util::data_dir()) {
    folders.push_back((*data / "geoip").string());
  }
  folders.emplace_back("/usr/share/GeoIP");
  folders.emplace_back("/var/lib/GeoIP");
  folders.emplace_back("/usr/local/share/GeoIP");
  const char* xdg = std::getenv("XDG_DATA_HOME");
  const char* home = std::getenv("HOME");
  if (xdg != nullptr && xdg[0] == '/') {
    folders.push_back(std::string(xdg) + "/GeoIP");
  } else if (home != nullptr && home[0] != '\0') {
    folders.push_back(std::string(home) + "/.local/share/GeoIP");
  }
  std::set<std::string> seen;
  std::vector<std::string> unique;
  for (auto& folder : folders) {
    if (seen.insert(canonical_key(folder)).second) {
      unique.push_back(std::move(folder));
    }
  }
  return unique;
}

std::vector<GeoipCandidate> scan_geoip_folders(const std::vector<std::string>& folders) {
  std::vector<GeoipCandidate> out;
  std::set<std::string> seen;
  for (const auto& folder : folders) {
    std::error_code ec;
    if (!fs::is_directory(folder, ec) || !seen.insert(canonical_key(folder)).second) {
      continue;
    }
    diag::debug(2, "GeoIP: searching {}", folder);
    auto found = list_folder(folder, GeoipOrigin::discovered, is_known_database_name);
    for (auto& candidate : found) {
      candidate.from_directory = true;
      out.push_back(std::move(candidate));
    }
  }
  return out;
}

std::vector<GeoipCandidate> discover_geoip_databases(const GeoipConfig& config) {
  if (config.disabled) {
    return {};
  }
  if (!config.paths.empty()) {
    return expand_geoip_paths(config.paths, GeoipOrigin::flag);
  }
  if (const char* env = std::getenv(k_geoip_env); env != nullptr && env[0] != '\0') {
    std::vector<std::string> paths;
    std::string_view rest(env);
    while (!rest.empty()) {
      const auto colon = rest.find(':');
      const auto part = rest.substr(0, colon);
      if (!part.empty()) {
        paths.emplace_back(part);
      }
      rest = colon == std::string_view::npos ? std::string_view{} : rest.substr(colon + 1);
    }
    if (!paths.empty()) {
      return expand_geoip_paths(paths, GeoipOrigin::environment);
    }
  }
  return scan_geoip_folders(default_geoip_folders());
}

std::unique_ptr<Enricher> open_geoip_enricher(const std::vector<GeoipCandidate>& candidates) {
  std::vector<std::unique_ptr<Database>> databases;
  std::vector<std::pair<std::string, unsigned>> accepted; // (group, roles) of `databases`
  std::set<std::string> opened;
  for (const auto& candidate : candidates) {
    const bool required = candidate.origin != GeoipOrigin::discovered;
    if (!opened.insert(canonical_key(candidate.path)).second) {
      continue; // the same file reached twice
    }
    std::string reason;
    auto db = Database::open(candidate.path, reason);
    if (!db) {
      if (required) {
        throw Fatal(describe(candidate) + ": cannot open GeoIP database: " + reason);
      }
      diag::warning("{}: skipping GeoIP database: {}", candidate.path, reason);
      continue;
    }
    const unsigned roles = db->layout().roles();
    const auto info = db->info();
    if (roles == 0) {
      if (required && !candidate.from_directory) {
        throw Fatal(describe(candidate) + ": GeoIP database of type '" + info.type +
                    "' has no country, city or ASN data that trailwatch can read");
      }
      if (required) {
        diag::warning("{}: skipping GeoIP database of type '{}': no country, city or ASN data",
                      candidate.path, info.type);
      } else {
        diag::debug(1, "GeoIP: {}: skipped, type '{}' has no country, city or ASN data",
                    candidate.path, info.type);
      }
      continue;
    }
    if (!required) {
      unsigned provided = 0;
      for (const auto& [group, group_roles] : accepted) {
        if (group != candidate.group) {
          provided |= group_roles;
        }
      }
      if ((roles & ~provided) == 0) {
        diag::debug(1, "GeoIP: {}: skipped, earlier databases already provide its data",
                    candidate.path);
        continue;
      }
    }
    diag::debug(1, "GeoIP: using {} (type '{}', layout {}, built {})", info.path, info.type,
                info.layout, info.build_date);
    accepted.emplace_back(candidate.group, roles);
    databases.push_back(std::move(db));
  }
  if (databases.empty()) {
    diag::debug(1, "GeoIP: no database in use; sources are classified only");
    return make_classifying_enricher();
  }
  return std::make_unique<GeoipEnricher>(std::move(databases));
}

std::unique_ptr<Enricher> make_geoip_enricher(const GeoipConfig& config) {
  if (config.disabled) {
    return make_classifying_enricher();
  }
  return open_geoip_enricher(discover_geoip_databases(config));
}

} // namespace trailwatch
