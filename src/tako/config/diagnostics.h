// Collects schema errors and warnings with their positions. Errors get the
// prefixes of the enclosing contexts ("invalid workflow 'w': invalid step 2: ");
// warnings are never wrapped (REFERENCE.md §4.1, §4.4, §4.5).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "tako/config/config.h"

namespace tako::config::detail {

struct Finding {
  Pos pos;
  std::string message;
};

class Diagnostics {
 public:
  class Scope {
   public:
    explicit Scope(Diagnostics& d) : d_(&d) {}
    Scope(Scope&& o) noexcept : d_(std::exchange(o.d_, nullptr)) {}
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;
    Scope& operator=(Scope&&) = delete;
    ~Scope() {
      if (d_ != nullptr) d_->prefixes_.pop_back();
    }

   private:
    Diagnostics* d_;
  };

  // Every error reported while the returned Scope lives starts with `prefix`
  // (after the prefixes of outer scopes).
  [[nodiscard]] Scope scope(std::string prefix) {
    prefixes_.push_back(std::move(prefix));
    return Scope(*this);
  }

  void error(Pos pos, const std::string& message) {
    std::string full;
    for (const auto& p : prefixes_) full += p;
    full += message;
    errors_.push_back({pos, std::move(full)});
  }
  void warning(Pos pos, std::string message) { warnings_.push_back({pos, std::move(message)}); }

  const std::vector<Finding>& errors() const { return errors_; }
  const std::vector<Finding>& warnings() const { return warnings_; }

 private:
  std::vector<std::string> prefixes_;
  std::vector<Finding> errors_;
  std::vector<Finding> warnings_;
};

}  // namespace tako::config::detail
