// SPDX-License-Identifier: MIT
// Signals of a long-running (live) run, received synchronously: SIGTERM and SIGINT ask it to
// stop, SIGHUP to reload its configuration, SIGUSR1 to print its statistics so far.
//
// The signals are blocked in every thread and read from a signalfd, so no handler runs at an
// arbitrary point: the live loop polls fd() beside its other descriptors and calls take().
// Block them before any thread starts (threads inherit the mask).
#pragma once

namespace trailwatch::util {

enum class LiveSignal { none, stop, reload, stats };

class LiveSignals {
public:
  // Blocks SIGTERM, SIGINT, SIGHUP and SIGUSR1 for this thread (and threads created after) and
  // opens a signalfd for them. Throws std::system_error when the kernel refuses.
  LiveSignals();
  // Unblocks the signals again; pending ones then take their default action.
  ~LiveSignals();
  LiveSignals(const LiveSignals&) = delete;
  LiveSignals& operator=(const LiveSignals&) = delete;

  // Readable (poll) while a signal waits.
  int fd() const { return m_fd; }
  // The next waiting signal, or none; never blocks.
  LiveSignal take();

private:
  int m_fd = -1;
};

} // namespace trailwatch::util
