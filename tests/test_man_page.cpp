// fleetsim man: the page is written from the application the binary parses
// with, so every command and option is checked against that application,
// walked here with CLI11's own accessors; and it must render cleanly.
#include <catch2/catch.hpp>

#include <string>

#include "../src/cli/application.hpp"
#include "../src/cli/man_page.hpp"
#include "support/cli_runner.hpp"

using namespace fleetsim::testing;

namespace {

// How the page spells a name typed as is: hyphens as \-.
std::string roff(const std::string& name) {
  std::string out;
  for (const char c : name) out += c == '-' ? std::string("\\-") : std::string(1, c);
  return out;
}

}  // namespace

TEST_CASE("fleetsim man describes every command and every long option of each", "[cli][man]") {
  CLI::App app;
  fleetsim::GlobalOptions global;
  fleetsim::build_application(app, global);
  const auto r = run_fleetsim("man");
  REQUIRE(r.exit_code == 0);
  const std::string& page = r.out;
  CHECK(page.find(".TH FLEETSIM 1 ") != std::string::npos);
  for (const char* section : {"NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "COMMANDS", "EXIT STATUS", "FILES", "SEE ALSO"})
    CHECK(page.find(std::string("\n.SH ") + section + "\n") != std::string::npos);

  const auto options_begin = page.find("\n.SH OPTIONS\n");
  const std::string options_section = page.substr(options_begin, page.find("\n.SH COMMANDS\n") - options_begin);
  for (const CLI::Option* o : app.get_options())
    for (const auto& l : o->get_lnames()) CHECK(options_section.find("\\fB" + roff("--" + l) + "\\fR") != std::string::npos);

  for (CLI::App* sub : app.get_subcommands([](CLI::App* s) { return !s->get_name().empty(); })) {
    const std::string heading = "\n.SS fleetsim " + roff(sub->get_name()) + "\n";
    const auto begin = page.find(heading);
    INFO(heading);
    REQUIRE(begin != std::string::npos);
    const auto end = std::min(page.find("\n.SS ", begin + 1), page.find("\n.SH ", begin + 1));
    const std::string section = page.substr(begin, end - begin);
    for (const CLI::Option* o : sub->get_options()) {
      for (const auto& l : o->get_lnames()) {
        INFO("--" + l);
        CHECK(section.find("\\fB" + roff("--" + l) + "\\fR") != std::string::npos);
      }
      if (!o->nonpositional()) CHECK(section.find("\\fI" + o->get_name(true) + "\\fR") != std::string::npos);
    }
  }
  // The exit statuses are those of --help's footer.
  const auto help = run_fleetsim("--help");
  for (const char* code : {"0", "1", "2", "3", "4", "130/143/129/131"}) {
    CHECK(help.out.find(std::string(code) + " ") != std::string::npos);
    CHECK(page.find(std::string(".TP\n\\fB") + code + "\\fR\n") != std::string::npos);
  }
}

TEST_CASE("The man page renders without a warning", "[cli][man]") {
  if (run_shell("command -v groff").exit_code != 0) {
    WARN("groff is not installed (scripts/install-deps.sh --test installs groff-base): the page is not rendered");
    return;
  }
  const auto r = run_fleetsim("man -o '" + temp_path("fleetsim.1") + "'");
  REQUIRE(r.exit_code == 0);
  const auto rendered = run_shell("groff -man -Tutf8 -ww -z '" + temp_path("fleetsim.1") + "'");
  CAPTURE(rendered.err);
  CHECK(rendered.exit_code == 0);
  CHECK(rendered.err.empty());
}

TEST_CASE("Text on a man page cannot become a request or an escape", "[cli][man]") {
  using fleetsim::roff_text;
  CHECK(roff_text(".SH not a section") == "\\&.SH not a section");
  CHECK(roff_text("'br not a request") == "\\&'br not a request");
  CHECK(roff_text("a \\fB backslash") == "a \\efB backslash");
  CHECK(roff_text("see --tolerance and -o (-j)") == "see \\-\\-tolerance and \\-o (\\-j)");
  CHECK(roff_text("cost-versus-SLO, K-1") == "cost-versus-SLO, K-1");
  CHECK(roff_text("two\nlines") == "two lines");
}
