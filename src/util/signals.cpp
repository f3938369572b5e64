// SPDX-License-Identifier: MIT
#include "util/signals.hpp"

#include <cerrno>
#include <csignal>
#include <sys/signalfd.h>
#include <system_error>
#include <unistd.h>

namespace trailwatch::util {
namespace {

sigset_t live_set() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  sigaddset(&set, SIGUSR1);
  return set;
}

} // namespace

LiveSignals::LiveSignals() {
  const sigset_t set = live_set();
  if (const int rc = pthread_sigmask(SIG_BLOCK, &set, nullptr); rc != 0) {
    throw std::system_error(rc, std::generic_category(), "blocking signals");
  }
  m_fd = ::signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
  if (m_fd < 0) {
    throw std::system_error(errno, std::generic_category(), "signalfd");
  }
}

LiveSignals::~LiveSignals() {
  while (take() != LiveSignal::none) {
    // signals that came after the last look would take their default action when unblocked
  }
  ::close(m_fd);
  const sigset_t set = live_set();
  pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
}

LiveSignal LiveSignals::take() {
  signalfd_siginfo info{};
  for (;;) {
    const ssize_t n = ::read(m_fd, &info, sizeof info);
    if (n == static_cast<ssize_t>(sizeof info)) {
      break;
    }
    if (n < 0 && errno == EINTR) {
      continue;
    }
    return LiveSignal::none; // EAGAIN: nothing waits
  }
  switch (info.ssi_signo) {
  case SIGTERM:
  case SIGINT:
    return LiveSignal::stop;
  case SIGHUP:
    return LiveSignal::reload;
  case SIGUSR1:
    return LiveSignal::stats;
  default:
    return LiveSignal::none;
  }
}

} // namespace trailwatch::util
