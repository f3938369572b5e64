#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The shipped rules (rules/, run by default) and the attack pack (packs/attack, run with --pack
# attack) are tested data: they lint without a warning, every sample inside them passes with the
# shipped watch lists, and with country lists set (tests/data/rule_pack_geo/) every shipped rule
# has a firing and a quiet sample (--require-samples). A flipped expectation fails. --pack attack
# adds the pack to the default rules.
. "$(dirname "$0")/lib.sh"

# 1. Lint: no error, no warning.
"$bin" rules lint rules/ packs/attack >"$work/lint.out" 2>"$work/lint.err"
expect_eq "lint exit status" "$?" 0
expect_no_grep "lint warnings" 'warning' "$work/lint.err"

# 2. The samples inside the rules pass with the lists as shipped.
"$bin" rules test rules/ packs/attack >"$work/shipped.out" 2>"$work/shipped.err"
expect_eq "rules test exit status (shipped lists)" "$?" 0
expect_no_grep "no failing sample (shipped lists)" '^FAIL' "$work/shipped.out"

# 3. With country lists set, every rule has a firing and a quiet sample.
cp -r rules "$work/rules"
cp tests/data/rule_pack_geo/allowed_countries.yml tests/data/rule_pack_geo/denied_countries.yml \
  "$work/rules/watchlists/"
"$bin" rules test --require-samples "$work/rules" packs/attack tests/data/rule_pack_geo/country_rules_samples.yml \
  >"$work/all.out" 2>"$work/all.err"
expect_eq "rules test --require-samples exit status" "$?" 0
expect_grep "every rule has samples" ' 0 failed; 0 of [0-9]+ rules lack' "$work/all.out"

# 4. A sample whose expectation is wrong fails the run and names its rule.
sed '0,/expect: fire/s//expect: quiet/' rules/ec2/gpu_instance_launch.yml >"$work/rules/ec2/gpu_instance_launch.yml"
"$bin" rules test "$work/rules" >"$work/flipped.out" 2>"$work/flipped.err"
expect_eq "a wrong expectation fails" "$?" 1
expect_grep "the failure names rule and sample" '^FAIL  3c1f0f6e-6a55-4c1e-9a51-0d2b7c8f1a01  quiet' "$work/flipped.out"
# 5. --pack attack runs the pack beside the default rules; without it the pack stays quiet.
printf '%s\n' '{"eventVersion":"1.09","eventTime":"2026-11-27T03:00:00Z","eventSource":"cloudtrail.amazonaws.com","eventName":"StopLogging","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.7","userIdentity":{"type":"IAMUser","userName":"mallory","accountId":"111122223333","arn":"arn:aws:iam::111122223333:user/mallory"},"requestParameters":{"name":"org-trail"},"eventID":"e-stop"}' >"$work/stop.json"
"$bin" --no-geoip --format jsonl --pack attack "$work/stop.json" >"$work/pack.out" 2>"$work/pack.err"
expect_eq "--pack attack finds the stopped trail" "$?" 0
expect_grep "--pack attack alert" '"title":"CloudTrail trail stopped or deleted"' "$work/pack.out"
"$bin" --no-geoip --format jsonl "$work/stop.json" >"$work/nopack.out" 2>"$work/nopack.err"
expect_eq "without --pack the default rules stay quiet" "$?" 1
"$bin" --pack nosuch "$work/stop.json" >"$work/bad.out" 2>"$work/bad.err"
expect_eq "an unknown pack is an error" "$?" 2
expect_grep "the error lists the packs" "no rule pack 'nosuch'; packs: attack" "$work/bad.err"
finish
