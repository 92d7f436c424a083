#include "tako/config/template_scan.h"

#include <algorithm>

namespace tako::config {
namespace {

bool ident(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}
bool space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

struct Action {
  std::string blanked;  // the body with string literals replaced by spaces
  std::string raw;      // the body as written
};

// The first word of an action body ("range", "end", ...).
std::string_view keyword(std::string_view body) {
  size_t i = 0;
  while (i < body.size() && space(body[i])) ++i;
  size_t start = i;
  while (i < body.size() && ident(body[i])) ++i;
  return body.substr(start, i - start);
}

void add_ref(TemplateScan& out, std::string_view root, std::string name) {
  std::string r;
  for (char c : root) r.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
  for (const auto& e : out.refs) {
    if (e.root == r && e.name == name) return;
  }
  out.refs.push_back({r, std::move(name)});
}

constexpr std::string_view kRoots[] = {"inputs", "Inputs", "steps", "Steps", "env", "Env"};

// Field chains `.root.name` in a body whose literals are blanked.
void scan_chains(const std::string& b, bool dot_rebound, TemplateScan& out) {
  for (size_t i = 0; i < b.size(); ++i) {
    if (b[i] != '.') continue;
    bool dollar = false;
    if (i > 0) {
      char p = b[i - 1];
      if (p == '$') {
        if (i > 1 && ident(b[i - 2])) continue;  // $x.inputs: a variable, not the root
        dollar = true;
      } else if (ident(p) || p == ')' || p == ']' || p == '.') {
        continue;
      }
    }
    if (dot_rebound && !dollar) continue;
    for (auto root : kRoots) {
      if (b.compare(i + 1, root.size(), root) != 0) continue;
      size_t j = i + 1 + root.size();
      if (j >= b.size() || b[j] != '.') break;
      size_t k = j + 1;
      while (k < b.size() && ident(b[k])) ++k;
      if (k > j + 1) add_ref(out, root, b.substr(j + 1, k - j - 1));
      break;
    }
  }
}

// `index .root "name"` (and `index $.root "name"`) with a literal string.
void scan_index(const std::string& raw, bool dot_rebound, TemplateScan& out) {
  size_t pos = 0;
  while ((pos = raw.find("index", pos)) != std::string::npos) {
    size_t i = pos + 5;
    bool word_start = pos == 0 || !ident(raw[pos - 1]);
    pos = i;
    if (!word_start || i >= raw.size() || !space(raw[i])) continue;
    while (i < raw.size() && space(raw[i])) ++i;
    bool dollar = i < raw.size() && raw[i] == '$';
    if (dollar) ++i;
    if (i >= raw.size() || raw[i] != '.' || (dot_rebound && !dollar)) continue;
    ++i;
    for (auto root : kRoots) {
      if (raw.compare(i, root.size(), root) != 0) continue;
      size_t j = i + root.size();
      if (j >= raw.size() || !space(raw[j])) break;
      while (j < raw.size() && space(raw[j])) ++j;
      if (j >= raw.size() || raw[j] != '"') break;
      size_t end = raw.find('"', j + 1);
      if (end == std::string::npos) break;
      std::string name = raw.substr(j + 1, end - j - 1);
      if (name.find('\\') == std::string::npos) add_ref(out, root, name);
      break;
    }
  }
}

}  // namespace

TemplateScan scan_template(std::string_view t, std::string_view label) {
  TemplateScan out;
  auto fail = [&](int line, const std::string& detail) {
    out.parse_error = "template: " + std::string(label) + ":" + std::to_string(line) + ": " + detail;
    out.refs.clear();
    return out;
  };
  std::vector<Action> actions;
  int line = 1;
  size_t i = 0;
  while (true) {
    size_t open = t.find("{{", i);
    if (open == std::string_view::npos) break;
    line += static_cast<int>(std::count(t.begin() + static_cast<long>(i), t.begin() + static_cast<long>(open), '\n'));
    const int action_line = line;
    i = open + 2;
    if (t.compare(i, 2, "- ") == 0 || t.compare(i, 2, "-\t") == 0 || t.compare(i, 2, "-\n") == 0) i += 1;
    size_t body_start = i;
    while (i < t.size() && space(t[i])) ++i;
    if (t.compare(i, 2, "/*") == 0) {
      size_t end = t.find("*/", i + 2);
      if (end == std::string_view::npos) return fail(action_line, "unclosed comment");
      size_t j = end + 2;
      while (j < t.size() && space(t[j])) ++j;
      if (t.compare(j, 1, "-") == 0) ++j;
      if (t.compare(j, 2, "}}") != 0) return fail(action_line, "comment ends before closing delimiter");
      line += static_cast<int>(std::count(t.begin() + static_cast<long>(open), t.begin() + static_cast<long>(j), '\n'));
      i = j + 2;
      continue;
    }
    Action a;
    bool closed = false;
    while (i < t.size()) {
      char c = t[i];
      if (c == '}' && t.compare(i, 2, "}}") == 0) {
        closed = true;
        break;
      }
      if (c == '"' || c == '\'' || c == '`') {
        size_t j = i + 1;
        bool ended = false;
        while (j < t.size()) {
          if (c != '`' && t[j] == '\\') {
            j += 2;
            continue;
          }
          if (c != '`' && t[j] == '\n') break;
          if (t[j] == c) {
            ended = true;
            break;
          }
          ++j;
        }
        if (!ended) {
          return fail(action_line, c == '"'   ? "unterminated quoted string"
                                   : c == '`' ? "unterminated raw quoted string"
                                              : "unterminated character constant");
        }
        a.raw.append(t.substr(i, j + 1 - i));
        a.blanked.append(j + 1 - i, ' ');
        i = j + 1;
        continue;
      }
      a.raw.push_back(c);
      a.blanked.push_back(c);
      ++i;
    }
    if (!closed) return fail(action_line, "unclosed action");
    // A trim marker " -" before "}}" is not part of the body.
    std::string_view body(a.raw);
    if (body.size() >= 2 && body.back() == '-' && space(body[body.size() - 2])) body.remove_suffix(1);
    while (!body.empty() && space(body.front())) body.remove_prefix(1);
    while (!body.empty() && space(body.back())) body.remove_suffix(1);
    if (body.empty()) return fail(action_line, "missing value for command");
    line += static_cast<int>(std::count(t.begin() + static_cast<long>(body_start), t.begin() + static_cast<long>(i), '\n'));
    i += 2;
    actions.push_back(std::move(a));
  }

  // Dot is rebound inside range/with (and define/block bodies); `if` nests too.
  std::vector<bool> rebinds;
  for (const auto& a : actions) {
    std::string_view kw = keyword(a.blanked);
    bool rebound = std::find(rebinds.begin(), rebinds.end(), true) != rebinds.end();
    if (kw == "end") {
      if (!rebinds.empty()) rebinds.pop_back();
      continue;
    }
    scan_chains(a.blanked, rebound, out);
    scan_index(a.raw, rebound, out);
    if (kw == "range" || kw == "with" || kw == "define" || kw == "block") {
      rebinds.push_back(true);
    } else if (kw == "if") {
      rebinds.push_back(false);
    }
  }
  return out;
}

}  // namespace tako::config
