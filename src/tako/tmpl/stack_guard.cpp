#include "tako/tmpl/stack_guard.h"

#include <pthread.h>

#include <cstdint>

namespace tako::tmpl {

namespace {

struct StackBounds {
  uintptr_t low = 0;   // lowest usable address (stack grows down)
  uintptr_t reserve = 0;
  bool known = false;
};

StackBounds query() {
  StackBounds b;
  pthread_attr_t attr;
  if (pthread_getattr_np(pthread_self(), &attr) != 0) return b;
  void* addr = nullptr;
  size_t size = 0;
  if (pthread_attr_getstack(&attr, &addr, &size) == 0 && addr != nullptr && size > 0) {
    b.low = reinterpret_cast<uintptr_t>(addr);
    size_t reserve = size / 8;
    if (reserve < (256u << 10)) reserve = 256u << 10;
    if (reserve > size / 2) reserve = size / 2;
    b.reserve = reserve;
    b.known = true;
  }
  pthread_attr_destroy(&attr);
  return b;
}

}  // namespace

bool stack_is_low() {
  thread_local StackBounds bounds = query();
  if (!bounds.known) return false;
  char marker;
  auto here = reinterpret_cast<uintptr_t>(&marker);
  // Under ASan with detect_stack_use_after_return, locals may live on a fake
  // stack; such addresses are outside the thread stack and are ignored.
  if (here < bounds.low) return false;
  return here - bounds.low < bounds.reserve;
}

}  // namespace tako::tmpl
