#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `cmake --install` gives a self-contained tree: bin/trailwatch finds share/trailwatch/rules and
# share/trailwatch/geoip from its own location, not through a path compiled in at build time.
# The installed binary runs from another directory with the source and build trees hidden under
# an empty tmpfs (a private mount namespace), and still loads the rules and shows countries.
. "$(dirname "$0")/lib.sh"
build=$(cd "$(dirname "$bin")" && pwd)
src=$(pwd)
[ -f "$build/cmake_install.cmake" ] || skip "$build is not a CMake build tree"
command -v unshare >/dev/null || skip "unshare not installed"

prefix="$work/prefix"
cmake --install "$build" --prefix "$prefix" >"$work/install.log" 2>&1 || fail "cmake --install failed: $(tail -3 "$work/install.log")"
[ -x "$prefix/bin/trailwatch" ] || fail "no bin/trailwatch installed"
[ -d "$prefix/share/trailwatch/rules" ] || fail "no share/trailwatch/rules installed"
[ -d "$prefix/share/trailwatch/packs/attack" ] || fail "no share/trailwatch/packs/attack installed"
cp -r examples "$work/examples"

geo=0
[ -s data/geoip/geo-whois-asn-country.mmdb ] && geo=1
if [ "$geo" = 1 ]; then
  [ -s "$prefix/share/trailwatch/geoip/geo-whois-asn-country.mmdb" ] || fail "GeoIP database not installed"
fi
# With the ASN database the Hetzner (AS24940) launch in the examples also fires the hosting rule.
asn=0
alerts=5
if [ -s data/geoip/asn.mmdb ]; then
  asn=1
  alerts=6
  [ -s "$prefix/share/trailwatch/geoip/asn.mmdb" ] || fail "ASN database not installed"
  [ -s "$prefix/share/trailwatch/geoip/asn.ATTRIBUTION.txt" ] || fail "ASN attribution not installed"
fi

# Hide the source tree (which holds the build tree too) and run from the work folder.
unshare -m sh -c 'mount -t tmpfs none "$1" && cd "$2" && ls "$1" | wc -l >hidden.count &&
  "$3/bin/trailwatch" --color=never --format jsonl examples/AWSLogs >install.out 2>install.err;
  echo $? >install.rc;
  "$3/bin/trailwatch" --pack attack --format jsonl examples/AWSLogs >pack.out 2>pack.err;
  echo $? >pack.rc' sh "$src" "$work" "$prefix" 2>"$work/unshare.err" ||
  skip "cannot make a private mount namespace here: $(cat "$work/unshare.err")"
expect_eq "source tree hidden" "$(cat "$work/hidden.count")" 0
expect_eq "installed binary exit status" "$(cat "$work/install.rc")" 0
expect_eq "installed binary alerts" "$(grep -c '"rule"' "$work/install.out")" "$alerts"
expect_no_grep "no missing-rules error" 'no rules' "$work/install.err"
expect_eq "installed --pack attack exit status" "$(cat "$work/pack.rc")" 0
expect_no_grep "the installed pack is found" 'no rule pack' "$work/pack.err"
if [ "$geo" = 1 ]; then
  expect_grep "countries from the installed GeoIP database" '"country":"DE"' "$work/install.out"
fi
if [ "$asn" = 1 ]; then
  expect_grep "ASNs from the installed ASN database" '"asn":24940' "$work/install.out"
fi
finish
