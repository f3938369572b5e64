# SPDX-License-Identifier: MIT
# Sourced by the man page and completion tests (not a test itself): the options `trailwatch
# --help` lists, one per line, sorted (short and long forms, e.g. -j and --jobs).
help_options() {
  "$1" --help | grep -E '^  -' | sed -E 's/^  ([^ ]+).*/\1/' | tr ',' '\n' | sed -E 's/[:=].*//' |
    grep -E '^-' | sort -u
}
