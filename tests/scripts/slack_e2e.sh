#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Slack end to end with the real binary and a real HTTP server on 127.0.0.1: alerts are posted
# once each as JSON, hostile values arrive escaped, permanent errors fail the run with Slack's
# reason, dry runs post nothing, and the webhook's secret path never reaches stderr.
. "$(dirname "$0")/lib.sh"

# 1. Every alert of the examples posted exactly once; exit 0.
start_slack_server "200:ok"
TRAILWATCH_SLACK_WEBHOOK=$slack_url "$bin" -q --no-geoip examples/AWSLogs >"$work/out1" 2>"$work/err1"
expect_eq "delivered run exit status" "$?" 0
expect_eq "one post per alert" "$(slack_posts)" 5
expect_grep "content type" '"content-type": *"application/json"' "$slack_log"
expect_grep "GPU alert posted" 'p3\.2xlarge' "$slack_log"
expect_no_grep "secret not on stderr" 'XXXXSECRETTOKEN|/services/' "$work/err1"
stop_slack_server

# 2. Hostile values arrive inert (mrkdwn-escaped), from the webhook file.
start_slack_server "200:ok"
printf '%s\n' "$slack_url" >"$work/webhook"
chmod 600 "$work/webhook"
"$bin" -q --no-geoip --slack-webhook-file "$work/webhook" tests/data/hostile.json 2>"$work/err2"
expect_eq "hostile run exit status" "$?" 0
expect_eq "hostile posts" "$(slack_posts)" 1
expect_grep "channel mention escaped" '&lt;!here&gt;' "$slack_log"
expect_no_grep "no live mention" '<!here>|<!channel>' "$slack_log"
stop_slack_server

# 3. A permanent error (410 channel_is_archived): reported with Slack's reason, exit 2.
start_slack_server "410"
TRAILWATCH_SLACK_WEBHOOK=$slack_url "$bin" -q --no-geoip tests/data/single_record.json 2>"$work/err3"
expect_eq "undelivered exit status" "$?" 2
expect_eq "no retry of a permanent error" "$(slack_posts)" 1
expect_grep "reason reported" 'channel_is_archived' "$work/err3"
expect_grep "alert reported undelivered" 'not delivered' "$work/err3"
expect_no_grep "secret not on stderr" 'XXXXSECRETTOKEN|/services/' "$work/err3"
stop_slack_server

# 4. Dry run: payloads on stdout, nothing posted.
start_slack_server "200:ok"
TRAILWATCH_SLACK_WEBHOOK=$slack_url "$bin" -q --no-geoip --slack-dry-run tests/data/single_record.json >"$work/out4" 2>"$work/err4"
expect_eq "dry run exit status" "$?" 0
expect_eq "dry run posts nothing" "$(slack_posts)" 0
expect_grep "dry run prints the payload" '"blocks":' "$work/out4"
stop_slack_server

# 5. Plain http to anything but loopback is refused before reading input, URL path unprinted.
TRAILWATCH_SLACK_WEBHOOK=http://hooks.example.invalid/services/T1/B1/XXXXSECRETTOKEN \
  "$bin" -q --no-geoip tests/data/single_record.json 2>"$work/err5"
expect_eq "non-loopback http refused" "$?" 2
expect_no_grep "secret not on stderr" 'XXXXSECRETTOKEN|/services/' "$work/err5"

# 6. With a webhook configured the process is not dumpable: no core file can hold the token.
TRAILWATCH_SLACK_WEBHOOK=http://127.0.0.1:9/services/T1/B1/XXXXSECRETTOKEN \
  "$bin" -v -q --no-geoip --slack-dry-run tests/data/single_record.json >/dev/null 2>"$work/err6"
expect_grep "not dumpable with a webhook" 'webhook configured: the process is not dumpable' "$work/err6"
"$bin" -v -q --no-geoip tests/data/single_record.json >/dev/null 2>"$work/err7"
expect_no_grep "dumpable without one" 'not dumpable' "$work/err7"
finish
