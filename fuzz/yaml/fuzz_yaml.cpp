// libFuzzer entry: parse the input with the YAML layer under the config options
// (unique keys, no NUL in scalars) and the data-document options, walk every
// accepted tree into JSON, and read it as a data document (JSON or YAML).
// Any crash, sanitizer report or hang is a bug.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tako/util/data_doc.h"
#include "tako/yaml/parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  if (size > 65536) return 0;
  std::string_view text(reinterpret_cast<const char*>(bytes), size);
  tako::yaml::ParseOptions config;
  config.unique_keys = true;
  config.allow_nul_in_scalars = false;
  for (const auto& options : {config, tako::yaml::ParseOptions{}}) {
    auto doc = tako::yaml::parse(text, options);
    if (doc.ok()) (void)tako::util::yaml_to_json(doc->root());
  }
  (void)tako::util::parse_data_document(text, "fuzz");
  return 0;
}
