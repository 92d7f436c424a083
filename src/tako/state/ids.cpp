#include "tako/state/ids.h"

#include <sys/random.h>

#include <cerrno>
#include <cstdio>
#include <random>


namespace tako::state {

namespace {
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_lower_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f'); }

std::string hex(std::uint64_t v, int digits) {
  static const char* kHex = "0123456789abcdef";
  std::string out(static_cast<size_t>(digits), '0');
  for (int i = digits - 1; i >= 0; --i) {
    out[static_cast<size_t>(i)] = kHex[v & 0xf];
    v >>= 4;
  }
  return out;
}
}  // namespace

std::uint64_t random_u64() {
  std::uint64_t v = 0;
  auto* p = reinterpret_cast<unsigned char*>(&v);
  size_t got = 0;
  while (got < sizeof v) {
    ssize_t n = ::getrandom(p + got, sizeof v - got, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    got += static_cast<size_t>(n);
  }
  if (got < sizeof v) {  // no getrandom: fall back to std::random_device
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    v = rng();
  }
  return v;
}

bool is_valid_run_id(std::string_view id) {
  // exec-YYYYMMDD-HHMMSS-xxxxxxxx
  if (id.size() != 29 || id.substr(0, 5) != "exec-" || id[13] != '-' || id[20] != '-') return false;
  for (size_t i = 5; i < 13; ++i) {
    if (!is_digit(id[i])) return false;
  }
  for (size_t i = 14; i < 20; ++i) {
    if (!is_digit(id[i])) return false;
  }
  for (size_t i = 21; i < 29; ++i) {
    if (!is_lower_hex(id[i])) return false;
  }
  return true;
}

std::string make_run_id(Timestamp t, std::uint32_t random) {
  std::string s = format_time_seconds(t);  // YYYY-MM-DDTHH:MM:SSZ
  std::string date = s.substr(0, 4) + s.substr(5, 2) + s.substr(8, 2);
  std::string time = s.substr(11, 2) + s.substr(14, 2) + s.substr(17, 2);
  return "exec-" + date + "-" + time + "-" + hex(random, 8);
}

std::string new_run_id(const std::function<bool(const std::string&)>& taken) {
  for (;;) {
    std::string id = make_run_id(now(), static_cast<std::uint32_t>(random_u64()));
    if (!taken || !taken(id)) return id;
  }
}

std::string new_event_id() { return "evt-" + hex(random_u64(), 16); }
std::string new_fan_out_id() { return "fanout-" + hex(random_u64(), 16); }

}  // namespace tako::state
