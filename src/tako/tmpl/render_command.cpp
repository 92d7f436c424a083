#include "tako/tmpl/render_command.h"

#include "tako/tmpl/template.h"
#include "tako/util/data_doc.h"

namespace tako::tmpl {

Result<std::string> run_render(const RenderRequest& request) {
  auto mode = missing_key_from_string(request.missingkey);
  if (!mode) {
    return Error{"invalid argument \"" + request.missingkey +
                 "\" for \"--missingkey\" flag: must be one of empty, default, zero, error"};
  }
  nlohmann::json data = nlohmann::json::object();
  if (request.data_file) {
    auto loaded = util::load_data_document(*request.data_file);
    if (!loaded) return loaded.error();
    data = std::move(*loaded);
  }
  auto t = parse(request.text, "template");
  if (!t) return t.error();
  return execute(**t, data, *mode);
}

}  // namespace tako::tmpl
