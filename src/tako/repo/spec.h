// `owner/repo[:ref]` references (REFERENCE.md §3.2).
#pragma once

#include <string>
#include <string_view>

#include "tako/util/result.h"

namespace tako::repo {

struct RepoSpec {
  std::string owner;
  std::string name;
  std::string ref = "main";
  bool ref_given = false;

  std::string slug() const { return owner + "/" + name; }                // owner/repo
  std::string display() const { return owner + "/" + name + ":" + ref; }  // owner/repo:ref
};

// TAKO_E005 on anything but exactly one '/', non-empty [A-Za-z0-9_.-] parts and an optional non-empty :ref.
Result<RepoSpec> parse_spec(std::string_view text);

// True for a valid owner or repo name part.
bool valid_name_part(std::string_view s);

}  // namespace tako::repo
