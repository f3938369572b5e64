#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# ASN data out of the box: scripts/setup.sh builds data/geoip/asn.mmdb from ip-location-db's ASN
# CSV (scripts/make_asn_mmdb.pl), and the binary finds it with no flag: alerts carry asn/asnOrg
# for IPv4 and IPv6 sources, the hosting/VPN rule fires on a shipped AS number, and --version
# prints the CC BY 4.0 attribution. Not skipped when the database is missing: the test suite
# always runs after setup (scripts/test.sh), and a missing database is the failure to report.
. "$(dirname "$0")/lib.sh"
db=data/geoip/asn.mmdb
if [ ! -s "$db" ]; then
  fail "$db missing: scripts/setup.sh did not build the ASN database"
  finish
fi

# One watched launch per source address (8.8.8.8: Google; 2001:4860:4860::8888: Google over
# IPv6; 5.101.96.1: DigitalOcean, listed in hosting_vpn_asns).
for ip in 8.8.8.8 2001:4860:4860::8888 5.101.96.1; do
  sed "s/203\.0\.113\.7/$ip/; s/e-0000-0021/e-$ip/" tests/data/single_record.json
done >"$work/launches.json"

"$bin" --format jsonl "$work/launches.json" >"$work/out" 2>"$work/err"
expect_eq "exit status" "$?" 0
expect_grep "8.8.8.8 is AS15169" '"sourceIPAddress":"8\.8\.8\.8".*"asn":15169,"asnOrg":"Google LLC"' "$work/out"
expect_grep "IPv6 Google is AS15169" '"sourceIPAddress":"2001:4860:4860::8888".*"asn":15169' "$work/out"
expect_grep "hosting/VPN rule fires with no flags" \
  '"rule":"3c1f0f6e-6a55-4c1e-9a51-0d2b7c8f1a07".*"sourceIPAddress":"5\.101\.96\.1".*"asn":14061' "$work/out"
expect_no_grep "no warning about missing GeoIP" 'no GeoIP database' "$work/err"

"$bin" --color=never "$work/launches.json" >"$work/text" 2>/dev/null
expect_grep "text shows the AS" 'from 8\.8\.8\.8 US AS15169 Google LLC' "$work/text"

"$bin" --version >"$work/version" 2>&1
expect_grep "--version names the database" '^geoip: .*/asn\.mmdb \(ip-location-db-asn, asn, built ' "$work/version"
expect_grep "--version attributes the data" 'RouteViews.*NRO.*DB-IP.*CC BY 4\.0' "$work/version"
expect_grep "attribution file beside the database" 'creativecommons\.org/licenses/by/4\.0' data/geoip/asn.ATTRIBUTION.txt

# --no-geoip still turns it off.
"$bin" --format jsonl --no-geoip "$work/launches.json" >"$work/off" 2>/dev/null
expect_no_grep "--no-geoip: no ASN" '"asn":[0-9]' "$work/off"
finish
