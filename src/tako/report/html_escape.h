// Escaping user data (run names, errors, event payloads) into an HTML page.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace tako::report {

// Text or a quoted attribute value: & < > " ' become character references.
std::string escape_html(std::string_view s);

// JSON text that is safe inside <script type="application/json">…</script>: every <, > and & is
// written as \u003c, \u003e, \u0026 (they occur only inside JSON strings, where these escapes mean
// the same character), so no "</script" or "<!--" can appear; U+2028/U+2029 are escaped too.
// Invalid UTF-8 is replaced.
std::string script_safe_json(const nlohmann::json& j);

}  // namespace tako::report
