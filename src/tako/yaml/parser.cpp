#include "tako/yaml/parser.h"

#include <algorithm>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "tako/yaml/fy_handles.h"
#include "tako/yaml/guard.h"

// libfyaml 0.7.12 leaks a few KiB inside the library after some syntax errors, and a
// parser that stopped at one particular error must not be destroyed at all (see parse()).
// Both are bounded and outside our code; LeakSanitizer builds (ASan, fuzzing) are told to
// ignore allocations made by the library, so every binary that parses YAML keeps
// reporting our own leaks. Defined here because every such binary links this file.
#if defined(__SANITIZE_ADDRESS__)
#define TAKO_LSAN_HOOK 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TAKO_LSAN_HOOK 1
#endif
#endif
#ifdef TAKO_LSAN_HOOK
extern "C" const char* __lsan_default_suppressions() { return "leak:libfyaml.so\n"; }
#endif

namespace tako::yaml {
namespace {

// Length of the valid UTF-8 sequence at s[i] (RFC 3629: no overlong forms, no
// surrogates, at most U+10FFFF), or 0 when it is invalid.
size_t utf8_length(std::string_view s, size_t i) {
  const auto b = [&](size_t k) { return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0u; };
  const unsigned c = b(0);
  const auto cont = [&](size_t k) { return (b(k) & 0xC0) == 0x80; };
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    if (c == 0xE0 && b(1) < 0xA0) return 0;   // overlong
    if (c == 0xED && b(1) >= 0xA0) return 0;  // UTF-16 surrogate
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    if (c == 0xF0 && b(1) < 0x90) return 0;   // overlong
    if (c == 0xF4 && b(1) >= 0x90) return 0;  // beyond U+10FFFF
    return 4;
  }
  return 0;
}

struct Pos {
  int line = 0;  // 1-based; 0 = unknown
  int column = 0;
  bool operator<(const Pos& o) const { return line != o.line ? line < o.line : column < o.column; }
};

std::string where(Pos p) {
  return std::to_string(std::max(p.line, 1)) + ":" + std::to_string(std::max(p.column, 1)) + ": ";
}

Pos from_mark(const fy_mark* m) { return m ? Pos{m->line + 1, m->column + 1} : Pos{}; }

Pos token_start(fy_token* t) { return t ? from_mark(fy_token_start_mark(t)) : Pos{}; }

std::string token_text(fy_token* t) {
  size_t len = 0;
  const char* s = t ? fy_token_get_text(t, &len) : nullptr;
  return s ? std::string(s, len) : std::string();
}

// Columns count characters, as libfyaml's do: UTF-8 continuation bytes are skipped.
int columns(std::string_view s) {
  int n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

Pos position_of_offset(std::string_view text, size_t offset) {
  size_t line_start = text.rfind('\n', offset == 0 ? 0 : offset - 1);
  line_start = (line_start == std::string_view::npos || offset == 0) ? 0 : line_start + 1;
  int line = 1;
  for (size_t i = 0; i < line_start; ++i) line += text[i] == '\n';
  return Pos{line, columns(text.substr(line_start, offset - line_start)) + 1};
}

// libfyaml marks a block scalar at its first content line; users (and earlier
// tako versions) expect its indicator (`|` / `>`), which is on the line before. Its header is
// the indicator, optional indentation/chomping indicators and an optional
// comment: the leftmost `|` or `>` followed by exactly that is the indicator.
Pos block_indicator(std::string_view text, const fy_mark* content) {
  if (content == nullptr || content->input_pos > text.size() || content->line == 0) return from_mark(content);
  size_t end = content->input_pos;
  while (end > 0 && text[end - 1] != '\n') --end;  // start of the content line
  if (end == 0) return from_mark(content);
  size_t header_end = end - 1;  // the '\n' ending the header line
  if (header_end > 0 && text[header_end - 1] == '\r') --header_end;
  size_t start = text.rfind('\n', header_end == 0 ? 0 : header_end - 1);
  start = start == std::string_view::npos ? 0 : start + 1;
  std::string_view line = text.substr(start, header_end - start);
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] != '|' && line[i] != '>') continue;
    size_t j = i + 1;
    while (j < line.size() && (line[j] == '+' || line[j] == '-' || (line[j] >= '1' && line[j] <= '9'))) ++j;
    while (j < line.size() && (line[j] == ' ' || line[j] == '\t')) ++j;
    if (j == line.size() || line[j] == '#') return Pos{content->line, columns(line.substr(0, i)) + 1};
  }
  return from_mark(content);
}

// libfyaml marks anchors and aliases after their `&` / `*` and quoted scalars
// after their opening quote; users (and earlier tako versions)
// count from the indicator.
Pos back_to(std::string_view text, const fy_mark* m, char indicator) {
  Pos p = from_mark(m);
  if (m != nullptr && m->input_pos > 0 && m->input_pos <= text.size() && text[m->input_pos - 1] == indicator &&
      p.column > 1) {
    --p.column;
  }
  return p;
}

Style style_of(fy_token* value) {
  switch (fy_token_scalar_style(value)) {
    case FYSS_SINGLE_QUOTED: return Style::SingleQuoted;
    case FYSS_DOUBLE_QUOTED: return Style::DoubleQuoted;
    case FYSS_LITERAL: return Style::Literal;
    case FYSS_FOLDED: return Style::Folded;
    default: return Style::Plain;
  }
}

bool is_null_text(const std::string& s) { return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL"; }

// Builds the tree of the first document from parser events, without recursion
// (nesting is only bounded by the limits checked here).
class Builder {
 public:
  Builder(std::string_view text, const ParseOptions& opt) : text_(text), opt_(opt), tree_(new detail::Tree) {}

  // Consumes one event; returns an error ("<line>:<col>: ...") to stop.
  std::optional<std::string> on_event(fy_event* e) {
    Pos end = from_mark(fy_event_end_mark(e));
    std::optional<std::string> err;
    switch (e->type) {
      case FYET_DOCUMENT_START:
        ++documents_;
        anchors_.clear();  // anchors are local to their document
        break;
      case FYET_SCALAR:
      case FYET_SEQUENCE_START:
      case FYET_MAPPING_START:
        if (documents_ == 1) {
          err = add_node(e);
        } else if (fy_token* anchor = fy_event_get_anchor_token(e)) {
          anchors_[token_text(anchor)] = 0;  // later documents are only checked, not built
        }
        break;
      case FYET_ALIAS:
        err = add_alias(e);
        break;
      case FYET_SEQUENCE_END:
      case FYET_MAPPING_END:
        if (documents_ == 1) close();
        break;
      default:
        break;
    }
    if (end.line > 0) last_ = end;
    return err;
  }

  Document finish() && { return Document(std::move(tree_), has_root_, root_); }

 private:
  struct Open {
    uint32_t index;
    std::vector<uint32_t> children;
  };

  std::optional<std::string> add_node(fy_event* e) {
    fy_token* anchor = fy_event_get_anchor_token(e);
    fy_token* tag = fy_event_get_tag_token(e);
    detail::NodeData n;
    n.tag = token_text(tag);
    Pos main;
    if (e->type == FYET_SCALAR) {
      fy_token* value = e->scalar.value;
      n.kind = Kind::Scalar;
      n.style = style_of(value);
      n.text = token_text(value);
      const fy_mark* m = fy_event_start_mark(e);
      if (n.style == Style::Literal || n.style == Style::Folded) {
        main = block_indicator(text_, m);
      } else if (n.style == Style::SingleQuoted || n.style == Style::DoubleQuoted) {
        main = back_to(text_, m, n.style == Style::SingleQuoted ? '\'' : '"');
      } else {
        main = from_mark(m);
      }
      if (n.style == Style::Plain && n.tag.empty() && is_null_text(n.text)) {
        n.kind = Kind::Null;
        n.text.clear();
      }
    } else {
      n.kind = e->type == FYET_MAPPING_START ? Kind::Mapping : Kind::Sequence;
      main = from_mark(fy_event_start_mark(e));
    }
    // The node starts at its first property (anchor or tag), where users look for it.
    Pos pos = main;
    Pos anchor_pos = anchor ? back_to(text_, fy_token_start_mark(anchor), '&') : Pos{};
    for (Pos p : {anchor_pos, token_start(tag)}) {
      if (p.line > 0 && (pos.line == 0 || p < pos)) pos = p;
    }
    if (pos.line == 0) pos = last_;  // an empty node: where the previous event ended
    n.line = pos.line;
    n.column = pos.column;

    if (!opt_.allow_nul_in_scalars && n.text.find('\0') != std::string::npos) {
      return where(pos) + "NUL character (\\0) in a scalar is not allowed";
    }
    if (static_cast<int>(open_.size()) > opt_.max_depth) {
      return where(pos) + "document nesting exceeds " + std::to_string(opt_.max_depth) +
             " levels (or an alias refers to itself)";
    }
    if (static_cast<long>(tree_->nodes.size()) >= opt_.max_nodes) {
      return where(pos) + "document too large: more than " + std::to_string(opt_.max_nodes) +
             " nodes after alias expansion";
    }
    const auto index = static_cast<uint32_t>(tree_->nodes.size());
    const bool collection = n.kind == Kind::Mapping || n.kind == Kind::Sequence;
    tree_->nodes.push_back(std::move(n));
    if (anchor != nullptr) anchors_[token_text(anchor)] = index;  // before its content: `&a [*a]` is a cycle
    attach(index);
    if (collection) open_.push_back(Open{index, {}});
    return std::nullopt;
  }

  std::optional<std::string> add_alias(fy_event* e) {
    const std::string name = token_text(e->alias.anchor);
    auto it = anchors_.find(name);
    if (it == anchors_.end()) {
      Pos p = back_to(text_, fy_event_start_mark(e), '*');
      return where(p.line ? p : last_) + "alias *" + name + " refers to an undefined anchor";
    }
    if (documents_ == 1) attach(it->second);
    return std::nullopt;
  }

  void attach(uint32_t index) {
    if (open_.empty()) {
      if (!has_root_) {
        has_root_ = true;
        root_ = index;
      }
    } else {
      open_.back().children.push_back(index);
    }
  }

  void close() {
    if (open_.empty()) return;
    Open o = std::move(open_.back());
    open_.pop_back();
    detail::NodeData& n = tree_->nodes[o.index];
    n.first = static_cast<uint32_t>(tree_->children.size());
    n.count = static_cast<uint32_t>(o.children.size());
    tree_->children.insert(tree_->children.end(), o.children.begin(), o.children.end());
  }

  std::string_view text_;
  const ParseOptions& opt_;
  std::unique_ptr<detail::Tree> tree_;
  std::vector<Open> open_;
  std::unordered_map<std::string, uint32_t> anchors_;
  int documents_ = 0;
  bool has_root_ = false;
  uint32_t root_ = 0;
  Pos last_{1, 1};
};

std::string first_error(fy_diag* diag, Pos fallback) {
  void* iter = nullptr;
  while (fy_diag_error* e = fy_diag_errors_iterate(diag, &iter)) {
    if (e->type < FYET_ERROR || e->msg == nullptr) continue;
    return where(Pos{e->line, e->column}) + e->msg;
  }
  return where(fallback) + "invalid YAML";
}

// YAML text is Unicode without NUL; libfyaml reads a NUL byte as content and
// silently ends the stream at invalid UTF-8, dropping the rest of the file.
std::optional<std::string> check_text(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    if (text[i] == '\0') return where(position_of_offset(text, i)) + "NUL byte in YAML text is not allowed";
    size_t n = utf8_length(text, i);
    if (n == 0) {
      static const char* const kHex = "0123456789abcdef";
      const auto c = static_cast<unsigned char>(text[i]);
      return where(position_of_offset(text, i)) + "invalid UTF-8 (byte 0x" + kHex[c >> 4] + kHex[c & 15] +
             "); YAML text must be UTF-8";
    }
    i += n;
  }
  return std::nullopt;
}

}  // namespace

Result<Document> parse(std::string_view text, const ParseOptions& options) {
  if (auto err = check_text(text)) return Error{*err};
  fy_diag_cfg diag_cfg;
  fy_diag_cfg_default(&diag_cfg);
  diag_cfg.fp = nullptr;
  diag_cfg.colorize = false;
  detail::DiagPtr diag(fy_diag_create(&diag_cfg));
  if (!diag) return Error{"1:1: cannot create the YAML parser"};
  fy_diag_set_collect_errors(diag.get(), true);

  fy_parse_cfg cfg{};
  // Our own limits bound the tree; libfyaml's parser is iterative.
  cfg.flags = static_cast<fy_parse_cfg_flags>(FYPCF_QUIET | FYPCF_DISABLE_DEPTH_LIMIT);
  cfg.diag = diag.get();
  detail::ParserPtr parser(fy_parser_create(&cfg));
  if (!parser || fy_parser_set_string(parser.get(), text.data(), text.size()) != 0) {
    return Error{"1:1: cannot create the YAML parser"};
  }

  Builder builder(text, options);
  Pos last{1, 1};
  for (;;) {
    detail::EventPtr event(parser.get(), fy_parser_parse(parser.get()));
    if (!event) break;
    if (const fy_mark* m = fy_event_end_mark(event.get())) last = from_mark(m);
    if (auto err = builder.on_event(event.get())) return Error{*err};
  }
  if (fy_parser_get_stream_error(parser.get())) {
    std::string message = first_error(diag.get(), last);
    // libfyaml 0.7.12 corrupts its indentation stack when it stops at this
    // error (e.g. "? ::\t?") and then crashes in fy_parser_destroy. Such a
    // parser is deliberately not destroyed: about 3 KiB stay allocated per
    // document with this error, a bounded price for never crashing on user
    // input (found by fuzz/yaml). Parsers that failed otherwise are freed.
    static constexpr std::string_view kCorrupting = "cannot use tab for indentation of block entry";
    if (std::string_view(message).ends_with(kCorrupting)) (void)parser.release();
    return Error{std::move(message)};
  }

  Document doc = std::move(builder).finish();
  if (auto err = detail::check_limits(doc.root(), options)) return Error{*err};
  return doc;
}

}  // namespace tako::yaml
