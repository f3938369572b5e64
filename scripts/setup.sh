#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs every build, test and runtime dependency of trailwatch from Debian 12 (and the CC0
# GeoIP country database from npm). Idempotent; run as root (or with sudo available).
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

# Default GeoIP country database (CC0-1.0): installed into the project's data folder, where
# trailwatch looks without flags. A failure here is not fatal: trailwatch runs without GeoIP.
geo_dir="$here/data/geoip"
geo_pkg="@ip-location-db/geo-whois-asn-country-mmdb"
if [ ! -s "$geo_dir/geo-whois-asn-country.mmdb" ] && command -v npm >/dev/null; then
  tmp=$(mktemp -d)
  if npm install --silent --no-audit --no-fund --prefix "$tmp" "$geo_pkg" >/dev/null 2>&1; then
    mkdir -p "$geo_dir"
    cp "$tmp/node_modules/$geo_pkg/geo-whois-asn-country.mmdb" "$geo_dir/"
    echo "setup: installed GeoIP country database into $geo_dir" >&2
  else
    echo "setup: warning: could not install $geo_pkg from npm; GeoIP stays off" >&2
  fi
  rm -rf "$tmp"
fi
