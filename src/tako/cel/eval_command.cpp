#include "tako/cel/eval_command.h"

namespace tako::cel {

Result<std::string> run_eval(const EvalRequest&) { return Error{"not implemented yet"}; }

}  // namespace tako::cel
