#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# GeoIP end to end: test databases written at test time with MaxMind's own writer, then the real
# binary shows country, city and ASN in text and JSONL output; the country and ASN rules fire
# from lists that are data; an explicit broken database is a start-up error.
. "$(dirname "$0")/lib.sh"
perl -MMaxMind::DB::Writer::Tree -e1 2>/dev/null || skip "libmaxmind-db-writer-perl not installed"
perl tests/tools/make_mmdb.pl "$work/db" >/dev/null || { fail "make_mmdb.pl failed"; finish; }

# 1. Text and JSONL output carry the enrichment (203.0.113.7 → BR, Recife, AS64500).
"$bin" --color=never --geoip "$work/db/GeoLite2-City.mmdb" --geoip "$work/db/GeoLite2-ASN.mmdb" \
  tests/data/single_record.json >"$work/text" 2>"$work/err"
expect_eq "exit status with alerts" "$?" 0
expect_grep "text shows country, city, ASN" 'from 203\.0\.113\.7 BR Recife AS64500 Example Hosting' "$work/text"
"$bin" --format jsonl --geoip "$work/db/GeoLite2-City.mmdb" --geoip "$work/db/GeoLite2-ASN.mmdb" \
  tests/data/single_record.json >"$work/jsonl" 2>>"$work/err"
expect_grep "jsonl country" '"country":"BR","countryName":"Brazil","city":"Recife","asn":64500,"asnOrg":"Example Hosting"' "$work/jsonl"

# 2. Non-IP sources are labelled, never looked up.
"$bin" --color=never --geoip "$work/db/GeoLite2-City.mmdb" examples/AWSLogs/o-a1b2c3d4e5 >"$work/svc" 2>>"$work/err"
expect_grep "service source labelled" 'from autoscaling\.amazonaws\.com \(aws-service\)' "$work/svc"

# 3. Rules use the lists: deny BR, allow only US, and AS64500 as a hosting network.
cp -r rules "$work/rules"
printf 'name: denied_countries\nvalues: [BR]\n' >"$work/rules/watchlists/denied_countries.yml"
printf 'name: allowed_countries\nvalues: [US]\n' >"$work/rules/watchlists/allowed_countries.yml"
printf 'name: hosting_vpn_asns\nvalues: [64500]\n' >"$work/rules/watchlists/hosting_vpn_asns.yml"
"$bin" --format jsonl --rules "$work/rules" --geoip "$work/db/GeoLite2-City.mmdb" \
  --geoip "$work/db/GeoLite2-ASN.mmdb" tests/data/single_record.json >"$work/rules.out" 2>>"$work/err"
expect_grep "denied country rule" '"rule":"3c1f0f6e-6a55-4c1e-9a51-0d2b7c8f1a06".*"level":"critical"' "$work/rules.out"
expect_grep "outside allowed countries rule" '"rule":"3c1f0f6e-6a55-4c1e-9a51-0d2b7c8f1a05"' "$work/rules.out"
expect_grep "hosting ASN rule" '"rule":"3c1f0f6e-6a55-4c1e-9a51-0d2b7c8f1a07"' "$work/rules.out"
# With the shipped lists none of the three fires.
"$bin" --format jsonl --geoip "$work/db/GeoLite2-City.mmdb" --geoip "$work/db/GeoLite2-ASN.mmdb" \
  tests/data/single_record.json >"$work/default.out" 2>>"$work/err"
expect_no_grep "shipped lists stay quiet" '1a0[567]"' "$work/default.out"

# 4. An explicit broken or missing database stops the run before reading anything.
"$bin" --geoip "$work/db/corrupt.mmdb" tests/data/single_record.json >"$work/out4" 2>"$work/err4"
expect_eq "corrupt database exit status" "$?" 2
expect_grep "corrupt database message" "corrupt\.mmdb" "$work/err4"
expect_eq "nothing printed" "$(wc -c <"$work/out4")" 0
"$bin" --geoip "$work/db/missing.mmdb" tests/data/single_record.json >/dev/null 2>"$work/err5"
expect_eq "missing database exit status" "$?" 2
expect_grep "missing database message" "missing\.mmdb" "$work/err5"

# 5. --version lists the databases in use and their build dates.
"$bin" --version --geoip "$work/db/GeoLite2-City.mmdb" >"$work/version" 2>&1
expect_grep "version lists database" "geoip: .*GeoLite2-City\.mmdb \(GeoLite2-City, .*built [0-9]{4}-[0-9]{2}-[0-9]{2}\)" "$work/version"
finish
