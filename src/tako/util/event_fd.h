// Non-blocking, close-on-exec eventfds used as level-triggered flags ("cancelled", "wake
// up"): once signalled they stay readable until read, so any number of pollers see them.
#pragma once

#include "tako/util/fs.h"

namespace tako::util {

// An invalid UniqueFd when the descriptor cannot be made (errno tells why).
UniqueFd make_event_fd();
// Adds one to the counter, making the descriptor readable. No-op for an invalid fd.
void signal_event_fd(int fd);

}  // namespace tako::util
