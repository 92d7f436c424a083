#include "tako/tmpl/render_command.h"

namespace tako::tmpl {

Result<std::string> run_render(const RenderRequest&) { return Error{"not implemented yet"}; }

}  // namespace tako::tmpl
