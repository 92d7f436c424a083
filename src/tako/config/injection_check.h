// The template-injection check of `tako validate` (docs/TEMPLATES.md, "Passing event data
// to a shell"): a `run:` command — a shell step's or a container step's, both run by
// `sh -c`, and the `command` of `tako/poll@v1` — that prints data an event or another repository controls into the command text
// without `shell_quote` gets a warning at the `run` value, saying how to pass it instead.
//
// Tainted data, per workflow:
// * `.event…` (the event that started a child run, §10.2);
// * `.inputs.<x>` when a subscription of this file maps input <x> of the workflow with a
//   template (its data is the event) and <x> is a free-form string (not boolean, number or
//   enum, whose values tako checks);
// * `.env.<K>` when the workflow's env value <K> references tainted data;
// * `.steps.<id>…` when any template of step <id> (run, env, with, outputs, event payloads)
//   references tainted data: its outputs may be derived from it.
// Works on the loaded model only (config.h), never on YAML nodes.
#pragma once

#include <string>
#include <vector>

#include "tako/config/config.h"

namespace tako::config {

struct InjectionWarning {
  Pos pos;  // the `run` value (a poll step: its `with`)
  std::string message;
};

std::vector<InjectionWarning> check_injection(const Config& config);

}  // namespace tako::config
