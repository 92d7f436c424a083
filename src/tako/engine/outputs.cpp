#include "tako/engine/outputs.h"

#include <cerrno>

#include "tako/util/fs.h"
#include "tako/util/strings.h"

namespace tako::engine {

namespace {

std::string real(const std::string& p) { return util::real_path(p).value_or(std::string()); }

Result<std::string> read_output_file(const std::string& name, const std::string& rel, const std::string& checkout) {
  auto escapes = [&] { return Error{"output '" + name + "': path '" + rel + "' escapes the repository"}; };
  if (rel.empty() || rel[0] == '/') return escapes();
  for (const auto& part : util::split(rel, '/')) {
    if (part == "..") return escapes();
  }
  std::string full = checkout + "/" + rel;
  std::string resolved = real(full);
  if (resolved.empty()) return Error{"output '" + name + "': file '" + rel + "' not found"};
  std::string root = real(checkout);
  if (root.empty() || (resolved != root && resolved.rfind(root + "/", 0) != 0)) return escapes();
  auto text = util::read_file(resolved);
  if (!text) return Error{"output '" + name + "': " + text.error().message};
  return std::string(util::trim(*text));
}

}  // namespace

std::map<std::string, std::string> parse_output_file(const std::string& text) {
  std::map<std::string, std::string> out;
  std::vector<std::string> lines = util::split(text, '\n');
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string line = lines[i];
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    auto heredoc = line.find("<<");
    auto eq = line.find('=');
    if (heredoc != std::string::npos && (eq == std::string::npos || heredoc < eq)) {
      std::string key = line.substr(0, heredoc);
      std::string delim = line.substr(heredoc + 2);
      std::string value;
      bool first = true;
      size_t j = i + 1;
      for (; j < lines.size(); ++j) {
        std::string l = lines[j];
        if (!l.empty() && l.back() == '\r') l.pop_back();
        if (l == delim) break;
        if (!first) value += "\n";
        value += l;
        first = false;
      }
      if (j < lines.size() && !key.empty()) out[key] = value;  // an unterminated block is ignored
      i = j;
      continue;
    }
    if (eq == std::string::npos || eq == 0) continue;
    out[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return out;
}

Result<std::map<std::string, std::string>> compute_outputs(const std::vector<config::OutputSpec>& specs,
                                                           const OutputSources& src,
                                                           const OutputTemplateFn& render) {
  std::vector<const config::OutputSpec*> plain, templated;
  for (const auto& s : specs) (is_template_source(s.source) ? templated : plain).push_back(&s);
  auto by_name = [](auto* a, auto* b) { return a->name < b->name; };
  std::sort(plain.begin(), plain.end(), by_name);
  std::sort(templated.begin(), templated.end(), by_name);

  std::map<std::string, std::string> out;
  std::optional<std::map<std::string, std::string>> env_file;
  for (const auto* s : plain) {
    const std::string& v = s->source;
    if (v == "from_stdout") {
      out[s->name] = std::string(util::trim(src.stdout_text));
    } else if (v == "from_stderr") {
      out[s->name] = std::string(util::trim(src.stderr_text));
    } else if (v.rfind("from_file:", 0) == 0) {
      auto content = read_output_file(s->name, v.substr(10), src.checkout);
      if (!content) return content.error();
      out[s->name] = std::move(*content);
    } else if (v.rfind("from_env:", 0) == 0) {
      if (!env_file) {
        auto text = util::read_file(src.output_file);
        env_file = parse_output_file(text ? *text : std::string());
      }
      std::string var = v.substr(9);
      auto it = env_file->find(var);
      if (it == env_file->end()) {
        return Error{"output '" + s->name + "': variable '" + var + "' was not written to $TAKO_OUTPUT"};
      }
      out[s->name] = it->second;
    } else {
      return Error{"output '" + s->name + "' has invalid format '" + v + "'"};
    }
  }
  for (const auto* s : templated) {
    nlohmann::json so_far = nlohmann::json::object();
    for (const auto& [k, v] : out) so_far[k] = v;
    auto rendered = render(s->source, so_far);
    if (!rendered) return Error{"output '" + s->name + "': " + rendered.error().message};
    out[s->name] = std::move(*rendered);
  }
  return out;
}

}  // namespace tako::engine
