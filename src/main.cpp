// SPDX-License-Identifier: MIT
// The one place failures become messages: anything that escapes the run is printed as
// "trailwatch: error: …" and exits 2.
#include "cli/cli.hpp"
#include "trailwatch/error.hpp"

#include <cstdio>
#include <exception>

int main(int argc, char** argv) {
  try {
    return trailwatch::run_cli(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "trailwatch: error: %s\n", e.what());
    return trailwatch::k_exit_error;
  }
}
