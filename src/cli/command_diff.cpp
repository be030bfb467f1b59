// fleetsim diff OLD.json NEW.json: compare two reports figure by figure; exit
// 4 when any differs by more than the tolerance.
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>

#include "cli_support.hpp"
#include "commands.hpp"
#include "exit_codes.hpp"
#include "fleetsim/io/input_file.hpp"
#include "fleetsim/workflows/expectations.hpp"
#include "fleetsim/workflows/report_diff.hpp"
#include "fleetsim/workflows/report_figures.hpp"

namespace fleetsim {
namespace {

struct DiffOptions {
  std::string before;
  std::string after;
  std::string tolerance = "0";
  bool key_figures = false;
  bool all = false;
  std::string format = "table";
  std::string output;
};

std::optional<nlohmann::ordered_json> read_report(const std::string& path) {
  std::string error;
  const std::optional<std::string> text = read_input_file(path, error, limits::kMaxJsonFileBytes);
  if (!text) {
    std::cerr << "fleetsim: error: " << path << ": cannot read: " << error << "\n";
    return std::nullopt;
  }
  auto report = parse_report(*text, error);
  if (!report) std::cerr << "fleetsim: error: " << path << ": " << error << "\n";
  return report;
}

int diff(const DiffOptions& o) {
  const auto tolerance = parse_tolerance(o.tolerance);
  if (!tolerance) {
    std::cerr << "fleetsim: error: --tolerance " << o.tolerance << ": expected a relative tolerance such as 2% or 0.02\n";
    return kExitUsage;
  }
  const auto before = read_report(o.before);
  const auto after = read_report(o.after);
  if (!before || !after) return kExitInvalidInput;
  const ReportDiff d = diff_reports(*before, *after, *tolerance, o.key_figures);
  const std::string text =
      o.format == "json" ? render_diff_json(d, *tolerance) : render_diff_table(d, *tolerance, o.all);
  if (const int rc = emit(text, o.output); rc != kExitOk) return rc;
  return d.beyond_tolerance > 0 ? kExitExpectation : kExitOk;
}

}  // namespace

Command add_diff_command(CLI::App& app) {
  auto o = std::make_shared<DiffOptions>();
  auto* cmd = app.add_subcommand("diff", "Compare two JSON reports figure by figure; exit 4 beyond the tolerance");
  cmd->add_option("old", o->before, "The reference report (fleetsim run --format json)")
      ->required()
      ->type_name("FILE");
  cmd->add_option("new", o->after, "The report to check against it")->required()->type_name("FILE");
  cmd->add_option("--tolerance", o->tolerance, "Largest relative difference allowed, e.g. 2% (default 0: exact)");
  cmd->add_flag("--key-figures", o->key_figures, "Compare only the key figures (costs, power, carbon, latency percentiles, SLOs)");
  cmd->add_flag("--all", o->all, "List every changed figure, not only those beyond the tolerance");
  cmd->add_option("--format", o->format, "table or json")->check(CLI::IsMember({"table", "json"}));
  cmd->add_option("-o,--output", o->output, "Write to FILE instead of stdout")->type_name("FILE");
  return {cmd, [o] { return diff(*o); }};
}

}  // namespace fleetsim
