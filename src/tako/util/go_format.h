// Go's formatting of float64 with %v / strconv.FormatFloat(x, 'g', -1, 64)
// (REFERENCE.md §8.2): shortest round-trip digits, exponent form `d.ddde±XX` iff the
// decimal exponent is < -4 or >= 6.
#pragma once

#include <string>

namespace tako::util {

// "100", "0.5", "1e+06", "1.234567e+06", "1e-05", "0.0001234", "+Inf", "-Inf", "NaN".
std::string format_go_float(double x);

}  // namespace tako::util
