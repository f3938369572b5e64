// SPDX-License-Identifier: MIT
// GeoIP enrichment from MaxMind DB (.mmdb) files via libmaxminddb: finding the databases,
// opening them once, and looking up public source addresses (integrations.md §1).
//
// Discovery uses the first source that is given: `--geoip` paths, else the colon-separated
// TRAILWATCH_GEOIP variable, else the well-known folders of default_geoip_folders(). Paths from
// the first two are explicit: a missing, non-MMDB or corrupt file is Fatal. Auto-discovered files
// must have a known name, a broken one costs a warning, and a database is skipped when the ones
// before it already provide everything it holds (country, city, ASN).
#pragma once

#include "enrich/enrich.hpp"

#include <memory>
#include <string>
#include <vector>

namespace trailwatch {

// GeoIP settings from the command line.
struct GeoipConfig {
  std::vector<std::string> paths; // --geoip PATH, repeatable: files or directories of *.mmdb
  bool disabled = false;          // --no-geoip
};

// Where a candidate database came from; decides how its failures are reported.
enum class GeoipOrigin {
  flag,        // --geoip: failures are Fatal
  environment, // TRAILWATCH_GEOIP: failures are Fatal
  discovered,  // a well-known folder: failures are warnings, duplicates by role are skipped
};

// One database file chosen by discovery, not yet opened.
struct GeoipCandidate {
  std::string path;
  GeoipOrigin origin = GeoipOrigin::discovered;
  // Files that together form one database (the -ipv4/-ipv6 halves of one name in one folder)
  // share a group; role de-duplication never drops one half because of the other.
  std::string group;
  // Found by listing a directory rather than named: a file without country, city or ASN data is
  // then skipped with a warning instead of being Fatal.
  bool from_directory = false;
};

// Name of the environment variable with colon-separated database files or folders.
inline constexpr const char* k_geoip_env = "TRAILWATCH_GEOIP";

// Expands `paths` of `origin`: a file is taken as is, a directory gives its *.mmdb files (sorted;
// a combined file wins over its -ipv4/-ipv6 halves). Throws Fatal for a missing path, a path that
// is neither a regular file nor a directory, or a directory without *.mmdb files.
std::vector<GeoipCandidate> expand_geoip_paths(const std::vector<std::string>& paths,
                                               GeoipOrigin origin);

// The folders auto-discovery searches, in order: `<exe dir>/../data/geoip`,
// `<exe dir>/../../data/geoip`, the source tree's data/geoip, the install data dir's geoip,
// /usr/share/GeoIP, /var/lib/GeoIP, /usr/local/share/GeoIP and $XDG_DATA_HOME/GeoIP
// (~/.local/share/GeoIP). Duplicates (same canonical path) are removed; missing folders are kept.
std::vector<std::string> default_geoip_folders();

// Lists the database files in `folders` (in folder order, names sorted) whose names look like
// GeoIP databases: GeoLite2-*, GeoIP2-*, dbip-*, asn*, *-country*, *-city*, *-asn* (.mmdb,
// case-insensitive). A combined file wins over its -ipv4/-ipv6 halves. Missing folders are skipped.
std::vector<GeoipCandidate> scan_geoip_folders(const std::vector<std::string>& folders);

// Chooses the candidates for `config`: its paths, else TRAILWATCH_GEOIP, else the default folders.
// Returns nothing when `config.disabled`. Throws Fatal as expand_geoip_paths() does.
std::vector<GeoipCandidate> discover_geoip_databases(const GeoipConfig& config);

// Opens `candidates` in order and returns an enricher that classifies each source and looks up
// public addresses in all of them, the first database giving a field winning. Explicit candidates
// that fail to open or hold no country, city or ASN data throw Fatal naming the path and the
// libmaxminddb reason; discovered ones print a warning (unknown layouts a debug line) and are
// skipped. With no usable database the result is the classifying enricher.
std::unique_ptr<Enricher> open_geoip_enricher(const std::vector<GeoipCandidate>& candidates);

// open_geoip_enricher(discover_geoip_databases(`config`)); the classifying enricher when disabled.
std::unique_ptr<Enricher> make_geoip_enricher(const GeoipConfig& config);

} // namespace trailwatch
