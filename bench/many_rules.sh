#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The cost of many rules (issue 10): the shipped rules against the shipped rules plus a folder of
# community Sigma rules (a SigmaHQ checkout, Yamato-Security's suzaku-rules), on one corpus.
#
# usage: bench/many_rules.sh [--corpus DIR | --size-mb N] [--trailwatch PATH] [--repeat N]
#                            RULES_DIR...
#
#   --corpus DIR      a folder of CloudTrail .json.gz files (e.g. a corpus kept by bench/run.sh
#                     --keep in ~/.cache/trailwatch-bench/corpus-*/gz)
#   --size-mb N       otherwise generate one with bench/gen_corpus.py (default 300)
#   --repeat N        run each case N times and report the fastest (default 3)
#
# Cases, each `-j1`, JSON Lines to /dev/null:
#   shipped           the shipped rules, fast path (the prefilter skips files no rule wants)
#   shipped-full      the shipped rules with --full-parse (every record parsed)
#   community         shipped + RULES_DIR…; some community rules match any eventName, so every
#                     record is parsed: compare with shipped-full
#   community-medium  the same with --min-level medium (hunting rules at informational/low off)
#   loading           `rules lint` of shipped + RULES_DIR… (rule loading alone)
# The alerts' own cost is the `deliver` stage of --stats (formatting and writing the alerts).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
trailwatch="$repo/build/trailwatch"
corpus=""
size_mb=300
repeat=3
rule_dirs=()
while [ $# -gt 0 ]; do
  case "$1" in
  --corpus) corpus=$2; shift 2 ;;
  --size-mb) size_mb=$2; shift 2 ;;
  --trailwatch) trailwatch=$2; shift 2 ;;
  --repeat) repeat=$2; shift 2 ;;
  -h | --help) sed -n '3,21p' "$0"; exit 0 ;;
  -*) echo "many_rules.sh: unknown option $1" >&2; exit 2 ;;
  *) rule_dirs+=("$1"); shift ;;
  esac
done
[ ${#rule_dirs[@]} -gt 0 ] || { echo "many_rules.sh: give at least one community rules folder" >&2; exit 2; }
[ -x "$trailwatch" ] || { echo "many_rules.sh: no binary at $trailwatch" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/trailwatch-many-rules.XXXXXX")
trap 'rm -rf "$work"' EXIT
if [ -z "$corpus" ]; then
  echo "many_rules.sh: generating a ${size_mb} MB corpus ..." >&2
  python3 "$repo/bench/gen_corpus.py" --out "$work/corpus" --size-mb "$size_mb" --seed 1 >/dev/null
  corpus="$work/corpus"
fi

community=(--rules "$repo/rules")
for dir in "${rule_dirs[@]}"; do
  community+=(--rules "$dir")
done

calc() { awk "BEGIN { x = $1; print (x == int(x) ? x : sprintf(\"%.2f\", x)) }"; }

# Runs one case `repeat` times; prints "wall cpu setup deliver alerts" of the fastest run.
measure() {
  local best="" line
  for _ in $(seq "$repeat"); do
    /usr/bin/time -f '%e %U %S' -o "$work/time" "$trailwatch" -j1 --stats --format jsonl "$@" \
      >/dev/null 2>"$work/stderr" || [ $? -eq 1 ]
    read -r wall user sys <"$work/time"
    setup=$(sed -n 's/.*time: setup \([0-9.]*\) s.*/\1/p' "$work/stderr")
    deliver=$(sed -n 's/.*deliver \([0-9.]*\) s.*/\1/p' "$work/stderr")
    alerts=$(sed -n 's/.*stats: alerts \([0-9]*\),.*/\1/p' "$work/stderr")
    line="$wall $(calc "$user + $sys") $setup $deliver $alerts"
    if [ -z "$best" ] || [ "$(calc "$wall < ${best%% *}")" = 1 ]; then
      best=$line
    fi
  done
  echo "$best"
}

rules_loaded=$("$trailwatch" rules lint "$repo/rules" "${rule_dirs[@]}" 2>/dev/null | tail -1)
read -r s_wall s_cpu s_setup s_deliver s_alerts < <(measure "$corpus")
read -r f_wall f_cpu f_setup f_deliver f_alerts < <(measure --full-parse "$corpus")
read -r c_wall c_cpu c_setup c_deliver c_alerts < <(measure "${community[@]}" "$corpus")
read -r m_wall m_cpu m_setup m_deliver m_alerts < <(measure "${community[@]}" --min-level medium "$corpus")
best_load=""
for _ in $(seq "$repeat"); do
  /usr/bin/time -f '%e' -o "$work/time" "$trailwatch" rules lint "$repo/rules" "${rule_dirs[@]}" \
    >/dev/null 2>&1 || true
  load=$(cat "$work/time")
  if [ -z "$best_load" ] || [ "$(calc "$load < $best_load")" = 1 ]; then
    best_load=$load
  fi
done

ratio() { awk "BEGIN { printf \"%.2f\", $1 / $2 }"; }
cat <<EOF
## Many rules: $(basename "$trailwatch") on $(du -sh "$corpus" | cut -f1) of .json.gz ($rules_loaded)

| case | wall s | CPU s | setup s | deliver s | alerts |
|---|---|---|---|---|---|
| shipped (fast path) | $s_wall | $s_cpu | $s_setup | $s_deliver | $s_alerts |
| shipped, --full-parse | $f_wall | $f_cpu | $f_setup | $f_deliver | $f_alerts |
| shipped + community | $c_wall | $c_cpu | $c_setup | $c_deliver | $c_alerts |
| shipped + community, --min-level medium | $m_wall | $m_cpu | $m_setup | $m_deliver | $m_alerts |
| rule loading alone (rules lint) | $best_load | | | | |

- community / shipped --full-parse: **$(ratio "$c_wall" "$f_wall")×** wall (target ≤ 2×), $(ratio "$c_cpu" "$f_cpu")× CPU
- without the alerts' own cost (deliver stage): $(ratio "$(calc "$c_wall - $c_deliver")" "$(calc "$f_wall - $f_deliver")")×
- with --min-level medium (informational and low rules not run): $(ratio "$m_wall" "$f_wall")×
- community / shipped on the fast path: $(ratio "$c_wall" "$s_wall")×
EOF
