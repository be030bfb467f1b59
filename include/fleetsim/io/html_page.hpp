// The frame of the self-contained HTML pages (`run`, `compare` and `plan`
// with --format html): doctype, charset, title and an inline stylesheet, so
// that nothing is fetched.
#pragma once

#include <string>
#include <string_view>

namespace fleetsim {

// Everything up to the opening <body>; `title` is escaped, `style` is CSS.
std::string html_page_start(std::string_view title, std::string_view style);
inline constexpr std::string_view kHtmlPageEnd = "</body>\n</html>\n";

}  // namespace fleetsim
