// SPDX-License-Identifier: MIT
// Keeping secrets out of core files.
#pragma once

namespace trailwatch::util {

// Makes this process non-dumpable (prctl PR_SET_DUMPABLE 0): a crash writes no core file and
// no other process of the same user can read its memory, so a secret it holds (a webhook URL)
// cannot end up on disk. Returns false when the kernel refused.
bool forbid_core_dumps();

} // namespace trailwatch::util
