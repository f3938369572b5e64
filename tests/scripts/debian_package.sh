#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The Debian package: `cpack -G DEB` from the build folder (into a temporary folder), then the
# control data (Depends generated from the shared libraries, naming Debian 12 packages), the
# contents (binary, rules, watch lists, GeoIP databases with their attribution, man page,
# completions, copyright, examples), and the extracted binary (`dpkg-deb -x`) run from another
# directory on the packaged examples: it finds its rules and databases beside it.
. "$(dirname "$0")/lib.sh"
build=$(cd "$(dirname "$bin")" && pwd)
[ -f "$build/CPackConfig.cmake" ] || skip "$build is not a CMake build tree"
command -v dpkg-deb >/dev/null || skip "dpkg-deb not installed"
command -v dpkg-shlibdeps >/dev/null || { fail "dpkg-shlibdeps missing: install dpkg-dev (scripts/setup.sh)"; finish; }

(cd "$build" && cpack -G DEB -B "$work/out") >"$work/cpack.log" 2>&1 ||
  { fail "cpack failed: $(tail -5 "$work/cpack.log")"; finish; }
deb=$(ls "$work"/out/trailwatch_*_*.deb 2>/dev/null | head -1)
[ -n "$deb" ] || { fail "no .deb produced"; cat "$work/cpack.log"; finish; }

dpkg-deb -f "$deb" Package Version Architecture Depends >"$work/control"
expect_grep "package name" '^Package: trailwatch$' "$work/control"
expect_grep "architecture" "^Architecture: $(dpkg --print-architecture)\$" "$work/control"
# Depends comes from dpkg-shlibdeps: the libraries the binary really links, as package names.
for lib in libc6 libstdc\\+\\+6 libcurl4 libmaxminddb0 libyaml-cpp0.7 libsqlite3-0 libsimdjson14 libre2-9 libdeflate0 zlib1g libfmt9; do
  expect_grep "Depends names $lib" "^Depends:.*[ ,]$lib \\(>=" "$work/control"
done

dpkg-deb -c "$deb" | awk '{ print $6 }' >"$work/contents"
for path in ./usr/bin/trailwatch ./usr/share/man/man1/trailwatch.1.gz \
  ./usr/share/bash-completion/completions/trailwatch ./usr/share/zsh/vendor-completions/_trailwatch \
  ./usr/share/fish/vendor_completions.d/trailwatch.fish ./usr/share/doc/trailwatch/copyright \
  ./usr/share/trailwatch/rules/ec2/gpu_instance_launch.yml \
  ./usr/share/trailwatch/rules/watchlists/tier_a_families.yml ./usr/share/doc/trailwatch/examples/slack-template.txt; do
  expect_grep "package holds $path" "^${path//./\\.}\$" "$work/contents"
done
for db in asn geo-whois-asn-country; do
  if [ -s "data/geoip/$db.mmdb" ]; then
    expect_grep "package holds $db.mmdb" "^\\./usr/share/trailwatch/geoip/$db\\.mmdb\$" "$work/contents"
    expect_grep "package holds $db attribution" "^\\./usr/share/trailwatch/geoip/$db\\.ATTRIBUTION\\.txt\$" "$work/contents"
  fi
done
expect_no_grep "setup's bookkeeping stays out" '\.version$' "$work/contents"

# Extract and run from another directory: data is found from the binary's own location.
dpkg-deb -x "$deb" "$work/root"
mkdir "$work/elsewhere"
(cd "$work/elsewhere" && "$work/root/usr/bin/trailwatch" --format jsonl \
  "$work/root/usr/share/doc/trailwatch/examples/AWSLogs" >out.jsonl 2>err.txt)
expect_eq "extracted binary exit status" "$?" 0
expected_alerts=5
[ -s data/geoip/asn.mmdb ] && expected_alerts=6 # the Hetzner launch fires the hosting rule
expect_eq "extracted binary alerts" "$(grep -c '"rule"' "$work/elsewhere/out.jsonl")" "$expected_alerts"
expect_eq "no diagnostics" "$(cat "$work/elsewhere/err.txt")" ""
if [ -s data/geoip/asn.mmdb ]; then
  expect_grep "ASN from the packaged database" '"asn":24940,"asnOrg":"Hetzner' "$work/elsewhere/out.jsonl"
fi
"$work/root/usr/bin/trailwatch" --version >"$work/version" 2>&1
expect_grep "--version uses the packaged databases" "^geoip: $work/root/usr/share/trailwatch/geoip/" "$work/version"
(cd "$work/elsewhere" && "$work/root/usr/bin/trailwatch" rules list) >"$work/rules"
expect_grep "packaged rules load" '1a01 +high' "$work/rules"
if command -v man >/dev/null; then
  man -l "$work/root/usr/share/man/man1/trailwatch.1.gz" 2>/dev/null | grep -q 'EXIT STATUS' ||
    fail "packaged man page does not render"
fi
bash -c "source '$work/root/usr/share/bash-completion/completions/trailwatch' && complete -p trailwatch" \
  >"$work/complete" 2>&1
expect_grep "packaged bash completion registers" 'complete .*-F _trailwatch trailwatch' "$work/complete"
finish
