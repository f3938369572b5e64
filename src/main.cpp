// SPDX-License-Identifier: MIT
// The one place failures become messages: anything that escapes the run is printed as
// "trailwatch: error: …" and exits 2.
#include "cli/cli.hpp"
#include "trailwatch/diag.hpp"
#include "trailwatch/error.hpp"

#include <csignal>
#include <cstdio>
#include <exception>

int main(int argc, char** argv) {
  // A closed pipe (`trailwatch … | head -1`) is an EPIPE write error the sinks handle (the run
  // ends quietly, alerts stay pending in --state), not a signal that kills the process.
  std::signal(SIGPIPE, SIG_IGN);
  try {
    return trailwatch::run_cli(argc, argv);
  } catch (const trailwatch::Error& e) {
    trailwatch::diag::error_text(e.what());
    return trailwatch::k_exit_error;
  } catch (const std::exception& e) {
    trailwatch::diag::error_text(e.what()); // a library's exception: same message, same status
    return trailwatch::k_exit_error;
  }
}
