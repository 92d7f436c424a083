// Timestamps and durations: parsing, formatting, range checks, getters.
#include <chrono>
#include <cstdio>
#include <string>

#include <date/date.h>
#include <date/tz.h>

#include "tako/cel/interp.h"

namespace tako::cel {

namespace {
constexpr int64_t kNanos = 1000000000;
constexpr int64_t kMinTsSec = -62135596800;  // 0001-01-01T00:00:00Z
constexpr int64_t kMaxTsSec = 253402300799;  // 9999-12-31T23:59:59Z
constexpr int64_t kMaxDurSec = 315576000000;  // 10000 years

__int128 floor_div(__int128 a, int64_t b) {
  __int128 q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

bool digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  return true;
}
}  // namespace

__int128 total_nanos(const Value& v) { return static_cast<__int128>(v.seconds()) * kNanos + v.nanos(); }

Value make_timestamp_checked(__int128 ns) {
  __int128 sec = floor_div(ns, kNanos);
  if (sec < kMinTsSec || sec > kMaxTsSec) return Value::error("timestamp out of range");
  return Value::timestamp(static_cast<int64_t>(sec), static_cast<int32_t>(ns - sec * kNanos));
}

Value make_duration_checked(__int128 ns) {
  __int128 lim = static_cast<__int128>(kMaxDurSec) * kNanos + (kNanos - 1);
  if (ns > lim || ns < -lim) return Value::error("duration out of range");
  __int128 sec = floor_div(ns, kNanos);
  return Value::duration(static_cast<int64_t>(sec), static_cast<int32_t>(ns - sec * kNanos));
}

Value parse_timestamp(std::string_view s) {
  // YYYY-MM-DDTHH:MM:SS[.fffffffff](Z|±HH:MM)
  int y, mo, d, h, mi, se;
  auto bad = [&] { return Value::error("invalid timestamp '" + std::string(s) + "'"); };
  if (!digits(s, 0, 4, y) || s.size() < 20 || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
      !digits(s, 8, 2, d) || (s[10] != 'T' && s[10] != 't') || !digits(s, 11, 2, h) || s[13] != ':' ||
      !digits(s, 14, 2, mi) || s[16] != ':' || !digits(s, 17, 2, se))
    return bad();
  size_t i = 19;
  int64_t frac = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    size_t n = i - start;
    if (n == 0 || n > 9) return bad();
    for (size_t k = 0; k < 9; ++k) frac = frac * 10 + (k < n ? s[start + k] - '0' : 0);
  }
  if (i >= s.size()) return bad();
  int64_t offset = 0;
  if (s[i] == 'Z' || s[i] == 'z') {
    ++i;
  } else if (s[i] == '+' || s[i] == '-') {
    int oh, om;
    if (!digits(s, i + 1, 2, oh) || i + 3 >= s.size() || s[i + 3] != ':' || !digits(s, i + 4, 2, om)) return bad();
    if (oh > 23 || om > 59) return bad();
    offset = (oh * 3600 + om * 60) * (s[i] == '-' ? -1 : 1);
    i += 6;
  } else {
    return bad();
  }
  if (i != s.size()) return bad();
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || se > 59) return bad();
  date::year_month_day ymd{date::year{y}, date::month{static_cast<unsigned>(mo)}, date::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return bad();
  int64_t days = date::sys_days{ymd}.time_since_epoch().count();
  int64_t sec = days * 86400 + h * 3600 + mi * 60 + se - offset;
  return make_timestamp_checked(static_cast<__int128>(sec) * kNanos + frac);
}

Value parse_duration(std::string_view s) {
  auto bad = [&] { return Value::error("invalid duration '" + std::string(s) + "'"); };
  size_t i = 0;
  bool neg = false;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) {
    neg = s[i] == '-';
    ++i;
  }
  if (s.substr(i) == "0") return Value::duration(0, 0);
  if (i >= s.size()) return bad();
  __int128 total = 0;
  // Any valid duration is < 2^69 ns; 2^80 keeps whole * unit (< 2^42) and
  // the running total far from the __int128 limit.
  const __int128 cap = static_cast<__int128>(1) << 80;
  while (i < s.size()) {
    size_t start = i;
    __int128 whole = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      whole = whole * 10 + (s[i] - '0');
      if (whole > cap) return Value::error("duration out of range");
      ++i;
    }
    bool had_whole = i > start;
    __int128 frac = 0, scale = 1;
    bool had_frac = false;
    if (i < s.size() && s[i] == '.') {
      ++i;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
        if (scale < static_cast<__int128>(1000000000000000000LL)) {
          frac = frac * 10 + (s[i] - '0');
          scale *= 10;
        }
        had_frac = true;
        ++i;
      }
    }
    if (!had_whole && !had_frac) return bad();
    size_t ustart = i;
    while (i < s.size() && !(s[i] >= '0' && s[i] <= '9') && s[i] != '.') ++i;
    std::string_view unit = s.substr(ustart, i - ustart);
    int64_t mult;
    if (unit == "ns") mult = 1;
    else if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs") mult = 1000;
    else if (unit == "ms") mult = 1000000;
    else if (unit == "s") mult = kNanos;
    else if (unit == "m") mult = 60 * kNanos;
    else if (unit == "h") mult = 3600 * kNanos;
    else return bad();
    total += whole * mult + frac * mult / scale;
    if (total > cap) return Value::error("duration out of range");
  }
  return make_duration_checked(neg ? -total : total);
}

std::string timestamp_to_string(int64_t sec, int32_t nanos) {
  int64_t days = sec >= 0 ? sec / 86400 : -((-sec + 86399) / 86400);
  int64_t rem = sec - days * 86400;
  date::year_month_day ymd{date::sys_days{date::days{days}}};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), static_cast<int>(rem / 3600),
                static_cast<int>(rem / 60 % 60), static_cast<int>(rem % 60));
  std::string out = buf;
  if (nanos != 0) {
    char f[16];
    std::snprintf(f, sizeof f, "%09d", nanos);
    std::string fs = f;
    while (!fs.empty() && fs.back() == '0') fs.pop_back();
    out += "." + fs;
  }
  out += "Z";
  return out;
}

std::string duration_to_string(int64_t sec, int32_t nanos) {
  __int128 ns = static_cast<__int128>(sec) * kNanos + nanos;
  bool neg = ns < 0;
  if (neg) ns = -ns;
  auto whole = static_cast<unsigned long long>(ns / kNanos);
  auto frac = static_cast<long long>(ns % kNanos);
  std::string out = (neg ? "-" : "") + std::to_string(whole);
  if (frac != 0) {
    char f[16];
    std::snprintf(f, sizeof f, "%09lld", frac);
    std::string fs = f;
    while (!fs.empty() && fs.back() == '0') fs.pop_back();
    out += "." + fs;
  }
  return out + "s";
}

Value duration_getter(std::string_view name, const Value& d) {
  __int128 ns = total_nanos(d);
  if (name == "getHours") return Value::integer(static_cast<int64_t>(ns / (3600 * kNanos)));
  if (name == "getMinutes") return Value::integer(static_cast<int64_t>(ns / (60 * kNanos)));
  if (name == "getSeconds") return Value::integer(static_cast<int64_t>(ns / kNanos));
  if (name == "getMilliseconds") return Value::integer(static_cast<int64_t>((ns % kNanos) / 1000000));
  return no_such_overload();
}

namespace {
// Offset (seconds east of UTC) of time zone `tz` at `sec`.
bool tz_offset(std::string_view tz, int64_t sec, int64_t& offset, std::string& err) {
  if (tz.empty()) {
    err = "invalid time zone ''";
    return false;
  }
  // ±HH:MM or HH:MM
  {
    size_t i = 0;
    int sign = 1;
    if (tz[0] == '+' || tz[0] == '-') {
      sign = tz[0] == '-' ? -1 : 1;
      i = 1;
    }
    int h, m;
    if (tz.size() == i + 5 && digits(tz, i, 2, h) && tz[i + 2] == ':' && digits(tz, i + 3, 2, m)) {
      if (h > 23 || m > 59) {
        err = "invalid time zone '" + std::string(tz) + "'";
        return false;
      }
      offset = sign * (h * 3600 + m * 60);
      return true;
    }
  }
  if (tz == "UTC" || tz == "Z") {
    offset = 0;
    return true;
  }
  try {
    const date::time_zone* zone = date::locate_zone(std::string(tz));
    auto info = zone->get_info(date::sys_seconds{std::chrono::seconds{sec}});
    offset = info.offset.count();
    return true;
  } catch (const std::exception&) {
    err = "invalid time zone '" + std::string(tz) + "'";
    return false;
  }
}
}  // namespace

Value timestamp_getter(std::string_view name, const Value* args, size_t n) {
  int64_t sec = args[0].seconds();
  if (n == 2) {
    if (!args[1].is(Kind::String)) return no_such_overload();
    int64_t off;
    std::string err;
    if (!tz_offset(args[1].str(), sec, off, err)) return Value::error(err);
    sec += off;
  }
  int64_t days = sec >= 0 ? sec / 86400 : -((-sec + 86399) / 86400);
  int64_t rem = sec - days * 86400;
  date::sys_days sd{date::days{days}};
  date::year_month_day ymd{sd};
  if (name == "getFullYear") return Value::integer(static_cast<int>(ymd.year()));
  if (name == "getMonth") return Value::integer(static_cast<unsigned>(ymd.month()) - 1);
  if (name == "getDate") return Value::integer(static_cast<unsigned>(ymd.day()));
  if (name == "getDayOfMonth") return Value::integer(static_cast<unsigned>(ymd.day()) - 1);
  if (name == "getDayOfYear") {
    date::sys_days jan1{ymd.year() / date::January / 1};
    return Value::integer((sd - jan1).count());
  }
  if (name == "getDayOfWeek") return Value::integer(date::weekday{sd}.c_encoding());
  if (name == "getHours") return Value::integer(rem / 3600);
  if (name == "getMinutes") return Value::integer(rem / 60 % 60);
  if (name == "getSeconds") return Value::integer(rem % 60);
  if (name == "getMilliseconds") return Value::integer(args[0].nanos() / 1000000);
  return no_such_overload();
}

}  // namespace tako::cel
