// Text made safe inside HTML, SVG and XML elements and attribute values.
// Used by the HTML pages and the workflows' JUnit XML.
#pragma once

#include <string>
#include <string_view>

namespace fleetsim {

// Escapes & < > " '; control characters XML 1.0 cannot carry at all (all
// below 0x20 but tab, newline and carriage return) become '?'.
std::string markup_escape(std::string_view text);

}  // namespace fleetsim
