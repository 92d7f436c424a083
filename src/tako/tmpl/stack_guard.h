// Internal: detects when the current thread's stack is close to exhaustion,
// so deep templates fail with an error instead of crashing.
#pragma once

#include <cstddef>

namespace tako::tmpl {

// True when less than max(256 KiB, 1/8 of the stack) remains on this thread.
bool stack_is_low();

}  // namespace tako::tmpl
