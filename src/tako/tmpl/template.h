// tako's Go text/template engine (REFERENCE.md §8): parse once, execute many times
// (thread-safe), with tako's functions and missing-key modes.
//
//   auto t = tako::tmpl::parse("{{ .inputs.name | upper }}", "release.build.run");
//   if (!t) report(t.error().message);          // "template: release.build.run:1: ..."
//   auto out = tako::tmpl::execute(**t, data);   // MissingKey::Empty by default
//
// Parsed templates are immutable; one Template may be executed from several
// threads at once. `default_cache()` keeps recently parsed templates (LRU by
// name + text) so a template used by many fan-out children is parsed once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <list>
#include <vector>

#include <nlohmann/json.hpp>

#include "tako/util/result.h"

namespace tako::tmpl {

namespace ast {
struct ListNode;
}

// REFERENCE.md §8.3. Empty: missing values print nothing (tako's default); Default and
// Zero: Go's "<no value>"; Error: `map has no entry for key "<k>"`.
enum class MissingKey { Empty, Default, Zero, Error };

// "empty" | "default" | "invalid" | "zero" | "error".
std::optional<MissingKey> missing_key_from_string(std::string_view s);

struct ExecOptions {
  MissingKey missing = MissingKey::Empty;
  int max_template_depth = 10000;        // nested {{template}} calls
  size_t max_output = 64u << 20;         // bytes; exceeding it is an execution error
  uint64_t max_steps = 200'000'000;      // evaluated nodes; bounds run time
};

// One parsed template: the named template plus every {{define}}/{{block}}.
class Template {
 public:
  struct Tree {
    std::string name;
    std::unique_ptr<ast::ListNode> root;
    ~Tree();
  };

  Template(std::string name, std::string text);
  ~Template();
  Template(const Template&) = delete;
  Template& operator=(const Template&) = delete;

  const std::string& name() const { return name_; }
  const std::string& text() const { return text_; }
  const Tree* lookup(const std::string& name) const;
  const std::map<std::string, std::unique_ptr<Tree>>& trees() const { return trees_; }

 private:
  friend class Parser;
  std::string name_;
  std::string text_;
  std::map<std::string, std::unique_ptr<Tree>> trees_;
};

using TemplatePtr = std::shared_ptr<const Template>;

// Parses `text`; `name` is used in error messages. Error messages are Go's:
// "template: <name>:<line>: <detail>".
Result<TemplatePtr> parse(std::string_view text, std::string name = "template");

// Executes the template named template.name() with `data` as dot.
Result<std::string> execute(const Template& t, const nlohmann::json& data, MissingKey mode = MissingKey::Empty);
Result<std::string> execute(const Template& t, const nlohmann::json& data, const ExecOptions& options);
// Appends to `out` (which is left partially written on error).
Status execute_to(std::string& out, const Template& t, const nlohmann::json& data, const ExecOptions& options);

// Parse (through the default cache) and execute.
Result<std::string> render(std::string_view text, const nlohmann::json& data, MissingKey mode = MissingKey::Empty,
                           std::string name = "template");

// Thread-safe LRU cache of parsed templates keyed by (name, text). Parse
// errors are not cached.
class TemplateCache {
 public:
  explicit TemplateCache(size_t capacity = 1024);
  Result<TemplatePtr> get(std::string_view text, const std::string& name = "template");
  size_t size() const;
  size_t capacity() const { return capacity_; }
  uint64_t hits() const;
  uint64_t misses() const;
  void clear();

 private:
  using Key = std::pair<std::string, std::string>;  // name, text
  struct KeyHash {
    size_t operator()(const Key& k) const;
  };
  mutable std::mutex mu_;
  size_t capacity_;
  std::list<std::pair<Key, TemplatePtr>> lru_;  // front = most recent
  std::unordered_map<Key, std::list<std::pair<Key, TemplatePtr>>::iterator, KeyHash> index_;
  uint64_t hits_ = 0;
  uint64_t misses_ = 0;
};

TemplateCache& default_cache();

// A field chain the template reads from the root data (§4.7): `.inputs.x`,
// `$.Inputs.x`, `.steps.build.outputs.v`, `index .inputs "x"` (literal string
// indexes), also through `with` (e.g. `{{with .inputs}}{{.x}}{{end}}`).
// Only chains whose root is known are reported; `path` is never empty.
struct FieldRef {
  std::vector<std::string> path;
  int line = 0;  // 1-based line of the reference
};
std::vector<FieldRef> field_references(const Template& t);

// Names of every function a template may call (Go built-ins + tako §8.4).
const std::vector<std::string>& function_names();

}  // namespace tako::tmpl
