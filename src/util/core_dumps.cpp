// SPDX-License-Identifier: MIT
#include "util/core_dumps.hpp"

#include <sys/prctl.h>

namespace trailwatch::util {

bool forbid_core_dumps() {
  return ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == 0;
}

} // namespace trailwatch::util
