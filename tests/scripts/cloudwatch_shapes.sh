#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# CloudWatch Logs shapes (issue 12): `aws logs tail` lines (a timestamp and stream name before
# each record) and a Firehose-delivered subscription file (gzip of concatenated DATA_MESSAGE
# envelopes whose logEvents carry the records as JSON strings, plus a CONTROL_MESSAGE) give the
# same alerts as the plain NDJSON records, from files and from stdin, fast path and full parse.
. "$(dirname "$0")/lib.sh"

# alerts FILE [ARGS...]: JSON Lines alerts without the source (file name, record index).
alerts() {
  local file=$1
  shift
  "$bin" --no-geoip --format jsonl "$@" "$file" 2>>"$work/err" | sed 's/"source":{[^}]*}//'
}

alerts tests/data/ndjson.jsonl >"$work/plain"
[ "$(wc -l <"$work/plain")" -ge 2 ] || fail "the plain records give too few alerts"
for shape in logs_tail.txt cwl_subscription.json.gz; do
  alerts "tests/data/$shape" >"$work/$shape.file"
  cmp -s "$work/plain" "$work/$shape.file" || fail "$shape: alerts differ from the plain records"
  alerts "tests/data/$shape" --full-parse >"$work/$shape.full"
  cmp -s "$work/plain" "$work/$shape.full" || fail "$shape: --full-parse differs"
  "$bin" --no-geoip --format jsonl <"tests/data/$shape" 2>>"$work/err" |
    sed 's/"source":{[^}]*}//' >"$work/$shape.stdin"
  cmp -s "$work/plain" "$work/$shape.stdin" || fail "$shape on stdin: alerts differ"
done
expect_no_grep "no error or warning" 'trailwatch: (error|warning)' "$work/err"

# The control message is skipped silently and every record counted.
"$bin" --no-geoip --stats -q tests/data/cwl_subscription.json.gz 2>"$work/stats"
expect_no_grep "control message is no error" 'trailwatch: error' "$work/stats"
expect_grep "4 records, the control message skipped as other" 'records in parsed inputs 4, .*other 1 .*errors 0' "$work/stats"

# A text prefix that is not a timestamp is still not JSON: reported, not guessed at.
printf 'hello world {"eventName":"RunInstances"}\n' >"$work/prose.txt"
"$bin" --no-geoip "$work/prose.txt" >/dev/null 2>"$work/prose.err"
expect_eq "prose exit status" "$?" 2
expect_grep "prose is not JSON" 'not JSON' "$work/prose.err"
finish
