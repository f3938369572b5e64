// SPDX-License-Identifier: MIT
// The command line: CLI11 parses raw flags, then one function validates them and builds the
// immutable Options. Subcommands: `rules lint`, `rules list`.
#pragma once

namespace trailwatch {

// Parses argv, runs what it asks for and returns the process exit status.
int run_cli(int argc, char** argv);

} // namespace trailwatch
