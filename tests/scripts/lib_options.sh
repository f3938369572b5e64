# SPDX-License-Identifier: MIT
# Sourced by the man page and completion tests (not a test itself).

# help_options BIN [COMMAND...]: the options `BIN COMMAND... --help` lists, one per line, sorted
# (short and long forms, e.g. -j and --jobs).
help_options() {
  "$@" --help | grep -E '^  -' | sed -E 's/^  ([^ ]+).*/\1/' | tr ',' '\n' | sed -E 's/[:=].*//' |
    grep -E '^-' | sort -u
}

# subcommands BIN [COMMAND...]: the subcommands `BIN COMMAND... --help` lists.
subcommands() {
  "$@" --help | awk '/^Subcommands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { on = 0 }'
}

# all_help_options BIN: the options of the command and of every subcommand (two levels deep:
# `rules test`), as found in the help texts themselves.
all_help_options() {
  local command sub
  {
    help_options "$1"
    for command in $(subcommands "$1"); do
      help_options "$1" "$command"
      for sub in $(subcommands "$1" "$command"); do
        help_options "$1" "$command" "$sub"
      done
    done
  } | sort -u
}
