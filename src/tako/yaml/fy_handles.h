// RAII owners for libfyaml objects. Internal to tako_yaml.
#pragma once

#include <memory>

#include <libfyaml.h>

namespace tako::yaml::detail {

struct DiagFree {
  void operator()(fy_diag* d) const noexcept { fy_diag_destroy(d); }
};
struct ParserFree {
  void operator()(fy_parser* p) const noexcept { fy_parser_destroy(p); }
};
using DiagPtr = std::unique_ptr<fy_diag, DiagFree>;
using ParserPtr = std::unique_ptr<fy_parser, ParserFree>;

// One event of a parser; freed through its parser, which must outlive it.
class EventPtr {
 public:
  EventPtr(fy_parser* parser, fy_event* event) : parser_(parser), event_(event) {}
  EventPtr(const EventPtr&) = delete;
  EventPtr& operator=(const EventPtr&) = delete;
  ~EventPtr() {
    if (event_ != nullptr) fy_parser_event_free(parser_, event_);
  }
  fy_event* get() const { return event_; }
  fy_event* operator->() const { return event_; }
  explicit operator bool() const { return event_ != nullptr; }

 private:
  fy_parser* parser_;
  fy_event* event_;
};

}  // namespace tako::yaml::detail
