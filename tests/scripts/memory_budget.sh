#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The memory budget (issue 13, --max-memory): an endless or special file, a gzip bomb, or one
# stdin document beyond its share of the budget is reported naming the input, is not held in
# memory, and the rest of the input is still read (exit 2). Peak memory itself is a benchmark
# (README "Bad input"), not checked here.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || skip "python3 not installed"
expected=$("$bin" --no-geoip tests/data/ndjson.jsonl 2>/dev/null | grep -c '^  rule ')
[ "$expected" -gt 0 ] || fail "the NDJSON fixture should alert"

# 1. /dev/zero named on the command line: endless, stopped at the budget.
"$bin" --no-geoip --max-memory 64M /dev/zero tests/data/ndjson.jsonl >"$work/zero.out" 2>"$work/zero.err"
expect_eq "/dev/zero: exit status" "$?" 2
expect_grep "/dev/zero: named, with the budget" '^trailwatch: error: /dev/zero: larger than [0-9]+ bytes, the memory budget' "$work/zero.err"
expect_eq "/dev/zero: the other input still alerts" "$(grep -c '^  rule ' "$work/zero.out")" "$expected"

# 2. Two gzip bombs (200 MB of zeros each) at -j2 with a 64 MiB budget.
python3 -c "
import gzip, sys
with gzip.open(sys.argv[1], 'wb', compresslevel=1) as f:
    block = b'\x00' * (1 << 20)
    for _ in range(200):
        f.write(block)
" "$work/bomb1.json.gz"
cp "$work/bomb1.json.gz" "$work/bomb2.json.gz"
"$bin" --no-geoip -j2 --max-memory 64M "$work/bomb1.json.gz" "$work/bomb2.json.gz" tests/data/ndjson.jsonl \
  >"$work/bomb.out" 2>"$work/bomb.err"
expect_eq "gzip bombs: exit status" "$?" 2
expect_eq "gzip bombs: each reported" "$(grep -c 'bomb[12].json.gz: decompressed size exceeds the limit' "$work/bomb.err")" 2
expect_eq "gzip bombs: the other input still alerts" "$(grep -c '^  rule ' "$work/bomb.out")" "$expected"

# 3. One 80 MB single-line document on stdin, then NDJSON records: the big document is an error
#    and skipped up to its newline; the records after it are read.
python3 -c "
import sys
sys.stdout.write('{\"x\":\"' + 'a' * (80 << 20) + '\"}\n')
sys.stdout.write(open('tests/data/ndjson.jsonl').read())
" >"$work/huge.jsonl"
"$bin" --no-geoip --max-memory 32M <"$work/huge.jsonl" >"$work/huge.out" 2>"$work/huge.err"
expect_eq "huge stdin document: exit status" "$?" 2
expect_grep "huge stdin document: reported" '<stdin>: a single document exceeds [0-9]+ bytes' "$work/huge.err"
expect_eq "huge stdin document: later records alert" "$(grep -c '^  rule ' "$work/huge.out")" "$expected"

# 4. Under a 4 GiB address-space limit (ulimit -v) trailwatch still runs with the default
#    budget, and an endless file is still stopped with an error, not bad_alloc.
#    (Not for a sanitizer build: AddressSanitizer reserves terabytes of address space.)
if ldd "$bin" 2>/dev/null | grep -q 'libasan'; then
  echo "note: AddressSanitizer build; the ulimit -v case is skipped"
else
  (ulimit -v 4194304 && "$bin" --no-geoip -j2 examples/AWSLogs >"$work/ulimit.out" 2>"$work/ulimit.err")
  expect_eq "ulimit -v 4G: examples exit status" "$?" 0
  (ulimit -v 4194304 && "$bin" --no-geoip -j2 /dev/zero examples/AWSLogs >/dev/null 2>"$work/ulimit-zero.err")
  expect_eq "ulimit -v 4G: /dev/zero exit status" "$?" 2
  expect_grep "ulimit -v 4G: /dev/zero stopped by the budget" '/dev/zero: larger than' "$work/ulimit-zero.err"
fi

# 5. A bad size is a usage error.
"$bin" --no-geoip --max-memory lots tests/data/ndjson.jsonl >/dev/null 2>"$work/size.err"
expect_eq "bad --max-memory: exit status" "$?" 2
expect_grep "bad --max-memory: message" 'max-memory: expected a size' "$work/size.err"
finish
