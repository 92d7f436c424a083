#include <algorithm>

#include "tako/config/container_rules.h"
#include "tako/config/name_rules.h"
#include "tako/config/reader.h"
#include "tako/config/yaml_doc.h"

namespace tako::config::detail {

std::vector<Entry> Reader::free_entries(const yaml::Node& map) {
  std::vector<Entry> out;
  if (!map.is_mapping()) return out;
  for (const auto& kv : map.pairs()) {
    Pos kp = pos_of(kv.first);
    if (!kv.first.is_scalar() && !kv.first.is_null()) {
      d_.error(kp, "mapping key must be a scalar, got a " + std::string(kind_name(kv.first)));
      continue;
    }
    Entry e;
    e.key = kv.first.is_scalar() ? kv.first.scalar() : "";
    e.value = kv.second;
    e.key_pos = kp;
    e.value_pos = kv.second.is_null() ? kp : pos_of(kv.second);
    out.push_back(std::move(e));
  }
  return out;
}

std::vector<Entry> Reader::entries(const yaml::Node& map, std::initializer_list<std::string_view> known) {
  std::vector<Entry> out = free_entries(map);
  for (const auto& e : out) {
    if (std::find(known.begin(), known.end(), e.key) == known.end()) {
      d_.warning(e.key_pos, "unknown key '" + e.key + "'");
    }
  }
  return out;
}

const Entry* Reader::find(const std::vector<Entry>& entries, std::string_view key) {
  for (const auto& e : entries) {
    if (e.key == key) return &e;
  }
  return nullptr;
}

bool Reader::mapping(const Entry& e) {
  if (e.value.is_mapping()) return true;
  if (!e.value.is_null()) d_.error(e.value_pos, e.key + ": expected a mapping");
  return false;
}

bool Reader::sequence(const Entry& e) {
  if (e.value.is_sequence()) return true;
  if (!e.value.is_null()) d_.error(e.value_pos, e.key + ": expected a sequence");
  return false;
}

std::optional<std::string> Reader::scalar(const Entry& e) {
  if (e.value.is_scalar()) return e.value.scalar();
  if (e.value.is_null()) return std::string();
  d_.error(e.value_pos, e.key + ": expected a scalar");
  return std::nullopt;
}

std::optional<bool> Reader::boolean(const Entry& e) {
  if (e.value.is_null()) return std::nullopt;
  if (e.value.is_scalar()) {
    auto v = scalar_value(e.value);
    if (v.is_boolean()) return v.get<bool>();
    d_.error(e.value_pos, e.key + ": expected a boolean, got '" + e.value.scalar() + "'");
    return std::nullopt;
  }
  d_.error(e.value_pos, e.key + ": expected a scalar");
  return std::nullopt;
}

std::vector<Entry> Reader::elements(const Entry& e) {
  std::vector<Entry> out;
  if (!sequence(e)) return out;
  int i = 0;
  for (const auto& item : e.value.items()) {
    Entry el;
    el.key = e.key + "[" + std::to_string(i++) + "]";
    el.value = item;
    el.key_pos = item.is_null() ? e.value_pos : pos_of(item);
    el.value_pos = el.key_pos;
    out.push_back(std::move(el));
  }
  return out;
}

std::vector<std::string> Reader::scalar_list(const Entry& e, bool scalar_ok, std::vector<Pos>* positions) {
  std::vector<std::string> out;
  if (scalar_ok && e.value.is_scalar()) {
    out.push_back(e.value.scalar());
    if (positions) positions->push_back(e.value_pos);
    return out;
  }
  for (const auto& el : elements(e)) {
    if (auto s = scalar(el)) {
      out.push_back(*s);
      if (positions) positions->push_back(el.value_pos);
    }
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> Reader::env(const Entry& e, std::vector<Pos>* positions) {
  std::vector<std::pair<std::string, std::string>> out;
  auto add = [&](const std::string& k, const std::string& v, Pos key_pos, Pos value_pos) {
    if (!is_env_name(k)) {
      d_.error(key_pos, "invalid environment variable name '" + k + "': " + env_rule_text());
      return;
    }
    out.emplace_back(k, v);
    if (positions) positions->push_back(value_pos);
  };
  if (e.value.is_sequence()) {
    for (const auto& el : elements(e)) {
      auto s = scalar(el);
      if (!s) continue;
      size_t eq = s->find('=');
      if (eq == std::string::npos || eq == 0) {
        d_.error(el.value_pos, "invalid env entry '" + *s + "': expected KEY=VALUE");
        continue;
      }
      add(s->substr(0, eq), s->substr(eq + 1), el.value_pos, el.value_pos);
    }
    return out;
  }
  if (!mapping(e)) return out;
  for (const auto& kv : free_entries(e.value)) {
    if (auto v = scalar(kv)) add(kv.key, *v, kv.key_pos, kv.value_pos);
  }
  return out;
}

Resources Reader::resources(const Entry& e) {
  Resources r;
  if (!mapping(e)) return r;
  auto es = entries(e.value, {"cpu_limit", "mem_limit", "disk_limit"});
  auto read = [&](const char* key, std::string& out, const char* what, bool cpu) {
    const Entry* c = find(es, key);
    if (c == nullptr) return;
    auto v = scalar(*c);
    if (!v || v->empty()) return;
    out = *v;
    bool ok = cpu ? parse_cpu_limit(*v).has_value() : parse_size_limit(*v).has_value();
    if (!ok) d_.error(c->value_pos, std::string("invalid ") + what + " value: " + *v);
  };
  read("cpu_limit", r.cpu_limit, "cpu", true);
  read("mem_limit", r.mem_limit, "memory", false);
  read("disk_limit", r.disk_limit, "disk", false);
  return r;
}

void Reader::check_template(const TemplateSite& site) {
  for (const auto& m : tako::config::check_template(site)) d_.error(site.pos, m);
}

void Reader::check_cel(const CelSite& site, const std::string& prefix) {
  for (const auto& m : tako::config::check_cel(site)) d_.error(site.pos, prefix + m);
}

}  // namespace tako::config::detail
