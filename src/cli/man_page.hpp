// A man page, in roff with the man macros, written from the outline of the
// command line (cli_outline.hpp): a SYNOPSIS and a section per subcommand
// with every option, so that the page lists what the parser accepts.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "cli_outline.hpp"

namespace fleetsim {

// What the command line does not say: the page's header, the meanings of
// the exit statuses, the files an installation holds and where to read on.
struct ManPageContext {
  std::string version;                                     // "fleetsim 0.1.0", in the page's footer
  std::vector<std::pair<std::string, std::string>> exit_statuses;  // ("4", "expectation violated ...")
  std::vector<std::pair<std::string, std::string>> files;          // (path, what it holds)
  std::string files_note;                                  // a paragraph after the files
  std::string see_also;
};

// Section 1 page of `root`.
std::string man_page(const CommandOutline& root, const ManPageContext& context);

// `text` as roff running text: backslashes as \e, a hyphen that begins a word
// (an option's --name) as \-, a line never beginning with a control character.
std::string roff_text(const std::string& text);

}  // namespace fleetsim
