// The catalog's YAML text with its citations cut out, for the runs that read
// only its figures.
#pragma once

#include <string>
#include <string_view>

namespace fleetsim {

// `yaml` without any `sources:` key and the lines nested under it (more
// indented, blank or comment lines), every other line kept as it is. The
// catalog's citations are about three quarters of its bytes, and parsing
// them was a fifth of a small run's instructions; only `fleetsim catalog`
// shows them. Line numbers move, so a diagnostic must come from the full text.
std::string without_sources(std::string_view yaml);

}  // namespace fleetsim
