#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs every build, test and runtime dependency of trailwatch from Debian 12 (and the
# GeoIP country and ASN data from npm). Idempotent; run as root (or with sudo available).
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
sudo=""
if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi

packages=(
  build-essential cmake pkg-config git ca-certificates
  libsimdjson-dev libcli11-dev libfmt-dev libyaml-cpp-dev libexpected-dev libre2-dev
  libdeflate-dev zlib1g-dev libmaxminddb-dev libcurl4-openssl-dev libsqlite3-dev
  libgtest-dev libgmock-dev
  python3 perl libmaxmind-db-writer-perl mmdb-bin
  libdeflate-tools jq time
  dpkg-dev man-db zsh fish
  clang libclang-rt-14-dev clang-format
)
# The machine image may carry its own Node.js/npm; Debian's npm conflicts with it, so only
# install Debian's when there is none.
command -v npm >/dev/null || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

geo_dir="$here/data/geoip"

# Default GeoIP country database (ip-location-db geo-whois-asn-country: the package says CC0-1.0,
# its data credits the NRO under CC BY 4.0): installed into the project's data folder, where
# trailwatch looks without flags. A failure here is not fatal: trailwatch runs without GeoIP.
geo_pkg="@ip-location-db/geo-whois-asn-country-mmdb"
if { [ ! -s "$geo_dir/geo-whois-asn-country.mmdb" ] || [ ! -s "$geo_dir/geo-whois-asn-country.ATTRIBUTION.txt" ]; } && command -v npm >/dev/null; then
  tmp=$(mktemp -d)
  if (cd "$tmp" && npm pack --silent "$geo_pkg" >/dev/null 2>&1) &&
    tar -xzf "$tmp"/*.tgz -C "$tmp" package/geo-whois-asn-country.mmdb package/NRO_LICENSE; then
    mkdir -p "$geo_dir"
    {
      echo "geo-whois-asn-country.mmdb: $geo_pkg (ip-location-db by sapics), CC0-1.0;"
      echo "its data is credited as follows."
      echo
      cat "$tmp/package/NRO_LICENSE"
      echo
    } >"$geo_dir/geo-whois-asn-country.ATTRIBUTION.txt"
    cp "$tmp/package/geo-whois-asn-country.mmdb" "$geo_dir/"
    echo "setup: installed GeoIP country database into $geo_dir" >&2
  else
    echo "setup: warning: could not install $geo_pkg from npm; GeoIP stays off" >&2
  fi
  rm -rf "$tmp"
fi

# Default ASN database: the CSV ranges of ip-location-db's ASN data (RouteViews, NRO, DB-IP ASN
# Lite; CC BY 4.0, attribution in asn.ATTRIBUTION.txt) turned into asn.mmdb with MaxMind's writer
# (scripts/make_asn_mmdb.pl, about 15 s). The version is pinned so every machine builds the same
# database; asn.version records what was built, so a second run does nothing.
asn_pkg="@ip-location-db/asn"
asn_version="2.3.2026061719"
if [ "$(cat "$geo_dir/asn.version" 2>/dev/null)" != "$asn_version" ] || [ ! -s "$geo_dir/asn.mmdb" ]; then
  tmp=$(mktemp -d)
  if command -v npm >/dev/null &&
    (cd "$tmp" && npm pack --silent "$asn_pkg@$asn_version" >/dev/null 2>&1) &&
    tar -xzf "$tmp"/*.tgz -C "$tmp" package/asn-ipv4.csv package/asn-ipv6.csv \
      package/ROUTEVIEWS-LICENSE package/NRO_LICENSE package/DBIP-LICENSE package/MODIFICATIONS &&
    mkdir -p "$geo_dir" &&
    perl "$here/scripts/make_asn_mmdb.pl" "$geo_dir/asn.mmdb" "$asn_version" \
      "$tmp/package/asn-ipv4.csv" "$tmp/package/asn-ipv6.csv"; then
    {
      echo "asn.mmdb: built by trailwatch's scripts/make_asn_mmdb.pl from $asn_pkg $asn_version"
      echo "(ip-location-db by sapics), licensed CC BY 4.0"
      echo "(https://creativecommons.org/licenses/by/4.0/). Data by RouteViews (routeviews.org),"
      echo "the NRO (nro.net) and DB-IP (db-ip.com). Changed: the CSV ranges were converted to"
      echo "MaxMind DB format; Teredo and 6to4 ranges were left out."
      for f in ROUTEVIEWS-LICENSE NRO_LICENSE DBIP-LICENSE MODIFICATIONS; do
        echo
        echo "== $f"
        cat "$tmp/package/$f"
        echo
      done
    } >"$geo_dir/asn.ATTRIBUTION.txt"
    echo "$asn_version" >"$geo_dir/asn.version"
    echo "setup: built ASN database $geo_dir/asn.mmdb" >&2
  else
    echo "setup: warning: could not build the ASN database from $asn_pkg; ASN lookups stay off" >&2
  fi
  rm -rf "$tmp"
fi
