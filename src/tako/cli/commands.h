// The command table (REFERENCE.md §1) and the handler of every command.
#pragma once

#include <string>
#include <vector>

#include "tako/cli/invocation.h"

namespace tako::cli {

const std::vector<CommandSpec>& command_table();

// Help text of the root (cmd == nullptr) or of one command.
std::string help_text(const CommandSpec* cmd);

int cmd_version(const Invocation& inv);
int cmd_completion(const Invocation& inv);
int cmd_init(const Invocation& inv);
int cmd_schema(const Invocation& inv);
int cmd_list(const Invocation& inv);
int cmd_complete(const Invocation& inv);
int cmd_man(const Invocation& inv);
int cmd_validate(const Invocation& inv);
int cmd_graph(const Invocation& inv);
int cmd_run(const Invocation& inv);
int cmd_exec(const Invocation& inv);
int cmd_status(const Invocation& inv);
int cmd_report(const Invocation& inv);
int cmd_logs(const Invocation& inv);
int cmd_cancel(const Invocation& inv);
int cmd_gc(const Invocation& inv);
int cmd_eval(const Invocation& inv);
int cmd_render(const Invocation& inv);
int cmd_cache_clean(const Invocation& inv);
int cmd_cache_prune(const Invocation& inv);
int cmd_workspace_clean(const Invocation& inv);

// Entry point used by main(): parses argv and dispatches.
int run_cli(int argc, char** argv);

}  // namespace tako::cli
