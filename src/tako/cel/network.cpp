// cel-go network extension: net.IP and net.CIDR values.
#include <cstdio>
#include <cstring>

#include "tako/cel/interp.h"

namespace tako::cel {

namespace {

bool parse_v4(std::string_view s, uint8_t* out) {
  int part = 0;
  size_t i = 0;
  while (part < 4) {
    size_t start = i;
    int v = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      v = v * 10 + (s[i] - '0');
      if (v > 255) return false;
      ++i;
    }
    size_t len = i - start;
    if (len == 0 || len > 3 || (len > 1 && s[start] == '0')) return false;
    out[part++] = static_cast<uint8_t>(v);
    if (part < 4) {
      if (i >= s.size() || s[i] != '.') return false;
      ++i;
    }
  }
  return i == s.size();
}

int hexv(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool parse_v6(std::string_view s, uint8_t* out) {
  uint16_t groups[8] = {};
  int n = 0, gap = -1;
  size_t i = 0;
  if (s.size() >= 2 && s[0] == ':' && s[1] == ':') {
    gap = 0;
    i = 2;
    if (i == s.size()) {
      std::memset(out, 0, 16);
      return true;
    }
  } else if (!s.empty() && s[0] == ':') {
    return false;
  }
  while (i < s.size()) {
    if (n >= 8) return false;
    size_t start = i;
    int v = 0;
    while (i < s.size() && hexv(s[i]) >= 0 && i - start < 5) {
      v = v * 16 + hexv(s[i]);
      ++i;
    }
    size_t len = i - start;
    if (len == 0 || len > 4) return false;
    groups[n++] = static_cast<uint16_t>(v);
    if (i == s.size()) break;
    if (s[i] != ':') return false;
    ++i;
    if (i < s.size() && s[i] == ':') {
      if (gap >= 0) return false;
      gap = n;
      ++i;
      if (i == s.size()) break;
    } else if (i == s.size()) {
      return false;
    }
  }
  if (gap < 0 && n != 8) return false;
  if (gap >= 0 && n > 7) return false;
  uint16_t full[8] = {};
  if (gap >= 0) {
    for (int k = 0; k < gap; ++k) full[k] = groups[k];
    int tail = n - gap;
    for (int k = 0; k < tail; ++k) full[8 - tail + k] = groups[gap + k];
  } else {
    for (int k = 0; k < 8; ++k) full[k] = groups[k];
  }
  for (int k = 0; k < 8; ++k) {
    out[2 * k] = static_cast<uint8_t>(full[k] >> 8);
    out[2 * k + 1] = static_cast<uint8_t>(full[k] & 0xFF);
  }
  return true;
}

// Returns "" on success, else the error message.
std::string parse_ip(std::string_view s, NetAddr& n, const char* what) {
  if (s.find('%') != std::string_view::npos) return std::string(what) + " with zone value is not allowed";
  bool colon = s.find(':') != std::string_view::npos;
  if (colon && s.find('.') != std::string_view::npos) return "IPv4-mapped IPv6 address is not allowed";
  std::memset(n.addr, 0, sizeof n.addr);
  n.v6 = colon;
  bool ok = colon ? parse_v6(s, n.addr) : parse_v4(s, n.addr);
  if (!ok) return "IP Address '" + std::string(s) + "' parse error during conversion from string";
  return "";
}

bool is_4in6(const NetAddr& n) {
  if (!n.v6) return false;
  for (int i = 0; i < 10; ++i)
    if (n.addr[i]) return false;
  return n.addr[10] == 0xFF && n.addr[11] == 0xFF;
}

// The IPv4 form of an IPv4-mapped IPv6 address.
NetAddr unmap(const NetAddr& n) {
  if (!is_4in6(n)) return n;
  NetAddr r;
  std::memcpy(r.addr, n.addr + 12, 4);
  r.v6 = false;
  r.prefix = n.prefix;
  return r;
}

std::string ip_text(const NetAddr& n) {
  char buf[64];
  if (!n.v6) {
    std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", n.addr[0], n.addr[1], n.addr[2], n.addr[3]);
    return buf;
  }
  uint16_t g[8];
  for (int k = 0; k < 8; ++k) g[k] = static_cast<uint16_t>((n.addr[2 * k] << 8) | n.addr[2 * k + 1]);
  int best = -1, best_len = 0;
  for (int k = 0; k < 8;) {
    if (g[k] != 0) {
      ++k;
      continue;
    }
    int j = k;
    while (j < 8 && g[j] == 0) ++j;
    if (j - k > best_len && j - k >= 2) best = k, best_len = j - k;
    k = j;
  }
  std::string out;
  for (int k = 0; k < 8; ++k) {
    if (k == best) {
      out += "::";
      k += best_len - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out += ":";
    std::snprintf(buf, sizeof buf, "%x", g[k]);
    out += buf;
  }
  return out;
}

bool prefix_match(const NetAddr& net, const NetAddr& addr, int bits) {
  for (int b = 0; b < bits; ++b) {
    int byte = b / 8, bit = 7 - b % 8;
    if (((net.addr[byte] >> bit) & 1) != ((addr.addr[byte] >> bit) & 1)) return false;
  }
  return true;
}

bool is_ip(const Value& v) { return v.is(Kind::Net) && v.net_rep().prefix < 0; }
bool is_cidr(const Value& v) { return v.is(Kind::Net) && v.net_rep().prefix >= 0; }

Value make_ip(std::string_view s) {
  NetAddr n;
  std::string err = parse_ip(s, n, "IP Address");
  if (!err.empty()) return Value::error(err);
  return Value::net(n);
}

Value make_cidr(std::string_view s) {
  size_t slash = s.rfind('/');
  auto bad = [&] { return Value::error("network address parse error during conversion from string: '" + std::string(s) + "'"); };
  if (slash == std::string_view::npos) return bad();
  NetAddr n;
  std::string err = parse_ip(s.substr(0, slash), n, "CIDR");
  if (!err.empty()) return err.find("parse error") != std::string::npos ? bad() : Value::error(err);
  std::string_view p = s.substr(slash + 1);
  if (p.empty() || p.size() > 3) return bad();
  int prefix = 0;
  for (char c : p) {
    if (c < '0' || c > '9') return bad();
    prefix = prefix * 10 + (c - '0');
  }
  if (prefix > (n.v6 ? 128 : 32)) return bad();
  n.prefix = prefix;
  return Value::net(n);
}

}  // namespace

bool net_equal(const NetAddr& a, const NetAddr& b) {
  if ((a.prefix < 0) != (b.prefix < 0)) return false;
  NetAddr x = a.prefix < 0 ? unmap(a) : a;
  NetAddr y = b.prefix < 0 ? unmap(b) : b;
  return x.v6 == y.v6 && x.prefix == y.prefix && std::memcmp(x.addr, y.addr, 16) == 0;
}

std::string net_to_string(const NetAddr& n) {
  std::string s = ip_text(n);
  if (n.prefix >= 0) s += "/" + std::to_string(n.prefix);
  return s;
}

Value fn_ip(const Value* a, size_t) {
  if (a[0].is(Kind::String)) return make_ip(a[0].str());
  if (is_cidr(a[0])) {  // cidr.ip()
    NetAddr n = a[0].net_rep();
    n.prefix = -1;
    return Value::net(n);
  }
  return no_such_overload();
}

Value fn_cidr(const Value* a, size_t) {
  if (!a[0].is(Kind::String)) return no_such_overload();
  return make_cidr(a[0].str());
}

Value fn_is_ip(const Value* a, size_t) {
  if (!a[0].is(Kind::String)) return no_such_overload();
  NetAddr n;
  return Value::boolean(parse_ip(a[0].str(), n, "IP Address").empty());
}

Value fn_ip_is_canonical(const Value* a, size_t) {
  if (!a[0].is(Kind::String)) return no_such_overload();
  NetAddr n;
  std::string err = parse_ip(a[0].str(), n, "IP Address");
  if (!err.empty()) return Value::error(err);
  return Value::boolean(ip_text(n) == a[0].str());
}

Value fn_family(const Value* a, size_t) {
  if (!is_ip(a[0])) return no_such_overload();
  return Value::integer(a[0].net_rep().v6 ? 6 : 4);
}

namespace {
template <class F>
Value ip_predicate(const Value& v, F f) {
  if (!is_ip(v)) return no_such_overload();
  NetAddr n = unmap(v.net_rep());
  return Value::boolean(f(n));
}
bool all_zero(const NetAddr& n) {
  for (int i = 0; i < (n.v6 ? 16 : 4); ++i)
    if (n.addr[i]) return false;
  return true;
}
bool loopback(const NetAddr& n) {
  if (!n.v6) return n.addr[0] == 127;
  for (int i = 0; i < 15; ++i)
    if (n.addr[i]) return false;
  return n.addr[15] == 1;
}
bool multicast(const NetAddr& n) { return n.v6 ? n.addr[0] == 0xFF : (n.addr[0] & 0xF0) == 0xE0; }
bool link_local_unicast(const NetAddr& n) {
  return n.v6 ? (n.addr[0] == 0xFE && (n.addr[1] & 0xC0) == 0x80) : (n.addr[0] == 169 && n.addr[1] == 254);
}
bool link_local_multicast(const NetAddr& n) {
  return n.v6 ? (n.addr[0] == 0xFF && (n.addr[1] & 0x0F) == 0x02) : (n.addr[0] == 224 && n.addr[1] == 0 && n.addr[2] == 0);
}
bool broadcast(const NetAddr& n) {
  return !n.v6 && n.addr[0] == 255 && n.addr[1] == 255 && n.addr[2] == 255 && n.addr[3] == 255;
}
}  // namespace

Value fn_is_unspecified(const Value* a, size_t) { return ip_predicate(a[0], all_zero); }
Value fn_is_loopback(const Value* a, size_t) { return ip_predicate(a[0], loopback); }
Value fn_is_link_local_multicast(const Value* a, size_t) { return ip_predicate(a[0], link_local_multicast); }
Value fn_is_link_local_unicast(const Value* a, size_t) { return ip_predicate(a[0], link_local_unicast); }
Value fn_is_global_unicast(const Value* a, size_t) {
  return ip_predicate(a[0], [](const NetAddr& n) {
    return !(all_zero(n) || loopback(n) || multicast(n) || link_local_unicast(n) || broadcast(n));
  });
}

Value fn_contains_ip(const Value* a, size_t) {
  if (!is_cidr(a[0])) return no_such_overload();
  Value other = a[1].is(Kind::String) ? make_ip(a[1].str()) : a[1];
  if (other.is_error()) return other;
  if (!is_ip(other)) return no_such_overload();
  const NetAddr& net = a[0].net_rep();
  NetAddr ip = net.v6 ? other.net_rep() : unmap(other.net_rep());
  if (ip.v6 != net.v6) return Value::boolean(false);
  return Value::boolean(prefix_match(net, ip, net.prefix));
}

Value fn_contains_cidr(const Value* a, size_t) {
  if (!is_cidr(a[0])) return no_such_overload();
  Value other = a[1].is(Kind::String) ? make_cidr(a[1].str()) : a[1];
  if (other.is_error()) return other;
  if (!is_cidr(other)) return no_such_overload();
  const NetAddr& net = a[0].net_rep();
  const NetAddr& sub = other.net_rep();
  if (sub.v6 != net.v6 || sub.prefix < net.prefix) return Value::boolean(false);
  return Value::boolean(prefix_match(net, sub, net.prefix));
}

Value fn_masked(const Value* a, size_t) {
  if (!is_cidr(a[0])) return no_such_overload();
  NetAddr n = a[0].net_rep();
  for (int b = n.prefix; b < 128; ++b) n.addr[b / 8] = static_cast<uint8_t>(n.addr[b / 8] & ~(1 << (7 - b % 8)));
  return Value::net(n);
}

Value fn_prefix_length(const Value* a, size_t) {
  if (!is_cidr(a[0])) return no_such_overload();
  return Value::integer(a[0].net_rep().prefix);
}

}  // namespace tako::cel
