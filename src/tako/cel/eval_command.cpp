#include "tako/cel/eval_command.h"

#include "tako/cel/cel.h"
#include "tako/util/data_doc.h"

namespace tako::cel {

Result<std::string> run_eval(const EvalRequest& request) {
  Activation act;
  Env env;
  env.set_container(request.container).set_strict(false);
  if (request.data_file) {
    auto doc = util::load_data_document(*request.data_file);
    if (!doc) return doc.error();
    if (!doc->is_object() && !doc->is_null())
      return Error{"--data must contain a mapping at the top level"};
    if (doc->is_object()) {
      for (auto it = doc->begin(); it != doc->end(); ++it) {
        env.declare(it.key());
        act.set_json(it.key(), *it);
      }
    }
  }
  for (const std::string& spec : request.vars) {
    size_t eq = spec.find('=');
    if (eq == std::string::npos || eq == 0)
      return Error{"invalid --var \"" + spec + "\": expected NAME=<cel expression>"};
    std::string name = spec.substr(0, eq);
    Env empty;
    empty.set_container(request.container).set_strict(false);
    auto prog = compile(std::string_view(spec).substr(eq + 1), empty);
    if (!prog) return prog.error();
    auto v = prog->eval(Activation());
    if (!v) return v.error();
    env.declare(name);
    act.set(name, std::move(*v));
  }
  auto prog = compile(request.expression, env);
  if (!prog) return prog.error();
  auto v = prog->eval(act);
  if (!v) return v.error();
  if (request.json) return format_json(*v).dump() + "\n";
  return format_literal(*v) + "\n";
}

}  // namespace tako::cel
