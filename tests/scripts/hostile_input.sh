#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Inputs that once crashed trailwatch (issue 13): each one is an error for its own document
# (exit 2, a message naming the input), never a signal, and a good launch beside it still
# alerts, from a file, from stdin, on the fast path and with --full-parse.
#   1. `{"":[[}`: a cut document whose "repair" was cut again, repaired forever (stack overflow);
#      as the last line it also spoiled simdjson's split of the good line before it;
#   2. an EventBridge `detail` nested 30,000 levels (unbounded recursion in the record walk);
#   3. CloudTrailEvent strings nested 10 levels inside each other.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || skip "python3 not installed"

launch='{"eventVersion":"1.08","eventTime":"2024-05-01T10:00:00Z","eventSource":"ec2.amazonaws.com","eventName":"RunInstances","awsRegion":"us-east-1","eventID":"good-1","recipientAccountId":"111122223333","sourceIPAddress":"203.0.113.7","userIdentity":{"type":"IAMUser","userName":"mallory","accountId":"111122223333"},"requestParameters":{"instanceType":"p4d.24xlarge","instancesSet":{"items":[{"minCount":1,"maxCount":1}]}},"responseElements":null,"errorCode":"Client.UnauthorizedOperation"}'

printf '%s\n%s\n' '{"":[[}' "$launch" >"$work/brackets.jsonl"
printf '%s\n%s\n' "$launch" '{"":[[}' >"$work/brackets_last.jsonl"
python3 - "$work" "$launch" <<'PY'
import json, sys
work, launch = sys.argv[1], sys.argv[2]
n = 30000
deep = '{"version":"0","detail":' * n + launch + '}' * n
open(f"{work}/deep_detail.jsonl", "w").write(deep + "\n" + launch + "\n")
doc = launch
for _ in range(10):
    doc = json.dumps({"EventId": "x", "CloudTrailEvent": doc}, separators=(",", ":"))
open(f"{work}/deep_lookup.jsonl", "w").write(doc + "\n" + launch + "\n")
PY

for name in brackets brackets_last deep_detail deep_lookup; do
  for mode in file stdin; do
    for parse in fast full; do
      flags=(--no-geoip --format jsonl)
      [ "$parse" = full ] && flags+=(--full-parse)
      if [ "$mode" = file ]; then
        "$bin" "${flags[@]}" "$work/$name.jsonl" >"$work/out" 2>"$work/err"
      else
        "$bin" "${flags[@]}" <"$work/$name.jsonl" >"$work/out" 2>"$work/err"
      fi
      rc=$?
      what="$name from $mode ($parse path)"
      expect_eq "$what: exit status" "$rc" 2
      expect_grep "$what: the good launch alerts" '"eventID":"good-1"' "$work/out"
      expect_grep "$what: the error names the input" '^trailwatch: error: .*(jsonl|stdin)' "$work/err"
    done
  done
done
finish
