// SPDX-License-Identifier: MIT
// `trailwatch --version`: version, git revision, library versions, the SIMD kernel simdjson
// runs, and the GeoIP databases in use.
#include "cli/version.hpp"

#include "trailwatch/build_info.hpp"
#include "util/text.hpp"

#include <curl/curl.h>
#include <fmt/format.h>
#include <libdeflate.h>
#include <simdjson.h>
#include <sqlite3.h>
#include <zlib.h>
// maxminddb.h (1.7.1) defines _POSIX_C_SOURCE: include it after the system headers.
#include <maxminddb.h>

namespace trailwatch {
namespace {
#define TRAILWATCH_STRINGIFY2(x) #x
#define TRAILWATCH_STRINGIFY(x) TRAILWATCH_STRINGIFY2(x)
} // namespace

std::string version_text(const std::vector<DatabaseInfo>& databases) {
  std::string out = fmt::format("trailwatch {} ({})\n", TRAILWATCH_VERSION, TRAILWATCH_GIT_REV);
  // Stage 1 (the structural scan, most of the parse) runs in libsimdjson with the kernel chosen
  // at run time for this CPU; the On-Demand code compiled into trailwatch uses the kernel its
  // compiler flags allow (TRAILWATCH_NATIVE=ON compiles for this machine).
  out += fmt::format("simdjson {} (runtime kernel: {}, {}; compiled-in kernel: {})\n",
                     TRAILWATCH_STRINGIFY(SIMDJSON_VERSION),
                     simdjson::get_active_implementation()->name(),
                     simdjson::get_active_implementation()->description(),
                     simdjson::builtin_implementation()->name());
  out += fmt::format("libdeflate {}, zlib {}, libmaxminddb {}, sqlite {}, fmt {}.{}.{}\n",
                     LIBDEFLATE_VERSION_STRING, zlibVersion(), MMDB_lib_version(),
                     sqlite3_libversion(), FMT_VERSION / 10000, FMT_VERSION / 100 % 100,
                     FMT_VERSION % 100);
  out += fmt::format("{}\n", curl_version());
  if (databases.empty()) {
    out += "geoip: no database (see --geoip, TRAILWATCH_GEOIP)\n";
  }
  for (const auto& db : databases) {
    out +=
        fmt::format("geoip: {} ({}, {}, built {})\n", db.path, db.type, db.layout, db.build_date);
    // The database's own description names its source and licence (the shipped ASN database's
    // is the CC BY 4.0 attribution); control characters from the file are not passed through.
    if (!db.description.empty()) {
      out += fmt::format("  {}\n", util::printable(db.description));
    }
  }
  return out;
}

} // namespace trailwatch
