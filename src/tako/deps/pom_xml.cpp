// pom.xml: the <version> of matching <dependency> elements, or the <properties> entry a
// `${prop}` version refers to (REFERENCE.md §13.3).
//
// A small XML scanner (tags, comments, CDATA, processing instructions, DOCTYPE) keeps the
// element path and the content span of each element, so only the version text changes.
#include <map>
#include <optional>
#include <vector>

#include "tako/deps/edit.h"
#include "tako/deps/text_util.h"

namespace tako::deps {
namespace {

struct Open {
  std::string name;
  size_t content = 0;  // first byte after the start tag
};

struct Dependency {
  std::string group;
  std::string artifact;
  std::optional<detail::Span> version;  // trimmed content of <version>
};

// The content span without surrounding whitespace.
detail::Span trimmed(std::string_view text, size_t begin, size_t end) {
  auto ws = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (begin < end && ws(text[begin])) ++begin;
  while (end > begin && ws(text[end - 1])) --end;
  return {begin, end - begin};
}

}  // namespace

Result<Edit> update_pom_xml(std::string_view text, std::string_view name, std::string_view version) {
  std::vector<Open> stack;
  std::vector<Dependency> deps;  // open <dependency> elements (nested ones are possible in odd files)
  std::map<std::string, detail::Span> properties;  // <project><properties><x>
  std::vector<detail::Span> spans;
  std::vector<std::string> refs;  // ${prop} versions, resolved once <properties> is known

  auto matches = [&](const Dependency& d) {
    return d.artifact == name || (d.group + ":" + d.artifact) == name;
  };
  size_t i = 0;
  while (i < text.size()) {
    size_t lt = text.find('<', i);
    if (lt == std::string_view::npos) break;
    std::string_view rest = text.substr(lt);
    if (rest.starts_with("<!--")) {
      size_t e = text.find("-->", lt + 4);
      i = e == std::string_view::npos ? text.size() : e + 3;
      continue;
    }
    if (rest.starts_with("<![CDATA[")) {
      size_t e = text.find("]]>", lt + 9);
      i = e == std::string_view::npos ? text.size() : e + 3;
      continue;
    }
    if (rest.starts_with("<?")) {
      size_t e = text.find("?>", lt + 2);
      i = e == std::string_view::npos ? text.size() : e + 2;
      continue;
    }
    if (rest.starts_with("<!")) {  // DOCTYPE, possibly with an internal subset [ … ]
      size_t j = lt + 2;
      int bracket = 0;
      while (j < text.size() && !(text[j] == '>' && bracket == 0)) {
        if (text[j] == '[') ++bracket;
        if (text[j] == ']') --bracket;
        ++j;
      }
      i = j + 1;
      continue;
    }
    // A tag: scan to its '>' outside quoted attribute values.
    size_t j = lt + 1;
    char quote = 0;
    while (j < text.size() && (quote != 0 || text[j] != '>')) {
      if (quote != 0) {
        if (text[j] == quote) quote = 0;
      } else if (text[j] == '"' || text[j] == '\'') {
        quote = text[j];
      }
      ++j;
    }
    if (j >= text.size()) break;
    bool closing = text[lt + 1] == '/';
    bool self_closing = !closing && text[j - 1] == '/';
    size_t nb = lt + (closing ? 2 : 1);
    size_t ne = nb;
    while (ne < j && text[ne] != ' ' && text[ne] != '\t' && text[ne] != '\r' && text[ne] != '\n' && text[ne] != '/' &&
           text[ne] != '>') {
      ++ne;
    }
    std::string tag(text.substr(nb, ne - nb));
    i = j + 1;
    if (self_closing) continue;
    if (!closing) {
      stack.push_back({tag, i});
      if (tag == "dependency") deps.push_back({});
      continue;
    }
    // End tag: pop to the matching start (tolerates unbalanced input).
    size_t k = stack.size();
    while (k > 0 && stack[k - 1].name != tag) --k;
    if (k == 0) continue;
    Open open = stack[k - 1];
    stack.resize(k - 1);
    const size_t depth = stack.size();  // parents of the closed element
    detail::Span content = trimmed(text, open.content, lt);
    std::string value(text.substr(content.pos, content.len));
    if (tag == "dependency" && !deps.empty()) {
      Dependency d = deps.back();
      deps.pop_back();
      if (matches(d) && d.version) {
        std::string_view v = text.substr(d.version->pos, d.version->len);
        if (v.size() > 3 && v.starts_with("${") && v.ends_with("}")) {
          refs.emplace_back(v.substr(2, v.size() - 3));
          spans.push_back({std::string_view::npos, refs.size() - 1});  // resolved below
        } else {
          spans.push_back(*d.version);
        }
      }
    } else if (depth >= 1 && stack.back().name == "dependency" && !deps.empty()) {
      if (tag == "artifactId") deps.back().artifact = value;
      if (tag == "groupId") deps.back().group = value;
      if (tag == "version") deps.back().version = content;
    } else if (depth == 2 && stack[1].name == "properties") {
      properties.emplace(tag, content);
    }
  }
  for (auto& s : spans) {
    if (s.pos != std::string_view::npos) continue;
    const std::string& prop = refs[s.len];
    auto it = properties.find(prop);
    if (it == properties.end()) {
      return Error{"dependency '" + std::string(name) + "' takes its version from ${" + prop + "}, which is not defined under <properties>"};
    }
    s = it->second;
  }
  return detail::make_edit(text, std::move(spans), version);
}

}  // namespace tako::deps
