// `executor:` and `slurm:` of a workflow or step (REFERENCE.md §7.14). The value checks are
// tako/slurm's, shared with the runner and the --executor flag, so `tako validate` accepts
// exactly what `tako exec` runs.
#include "tako/config/reader.h"

namespace tako::config::detail {

void Reader::executor_fields(const std::vector<Entry>& es, std::optional<std::string>& executor, Pos& executor_pos,
                             slurm::Options& options) {
  if (const Entry* f = find(es, "executor")) {
    if (auto v = scalar(*f)) {
      executor = *v;
      executor_pos = f->value_pos;
      if (!slurm::valid_executor(*v)) d_.error(f->value_pos, slurm::invalid_executor_message(*v));
    }
  }
  const Entry* s = find(es, "slurm");
  if (s == nullptr || !mapping(*s)) return;
  auto fields = entries(s->value, {"partition", "account", "qos", "constraint", "extra_args"});
  for (std::string_view key : slurm::kOptionKeys) {
    const Entry* f = find(fields, key);
    if (f == nullptr) continue;
    auto v = scalar(*f);
    if (!v) continue;
    if (auto err = slurm::check_option(key, *v)) d_.error(f->value_pos, *err);
    if (key == "partition") options.partition = *v;
    else if (key == "account") options.account = *v;
    else if (key == "qos") options.qos = *v;
    else options.constraint = *v;
  }
  if (const Entry* f = find(fields, "extra_args")) {
    std::vector<Pos> pos;
    options.extra_args = scalar_list(*f, false, &pos);
    for (size_t i = 0; i < options.extra_args.size() && i < pos.size(); ++i) {
      if (auto err = slurm::check_extra_arg(options.extra_args[i])) d_.error(pos[i], *err);
    }
  }
}

}  // namespace tako::config::detail
