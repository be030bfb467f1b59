// fleetsim merge A.jsonl B.jsonl ...: join the JSON lines of a sweep's shards
// into one CSV (and JSON lines), checking that they are one whole sweep; or
// the shards of a run split into cells into its merged report (docs/cells.md).
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "cli_support.hpp"
#include "commands.hpp"
#include "exit_codes.hpp"
#include "fleetsim/io/input_file.hpp"
#include "fleetsim/io/report_writers.hpp"
#include "fleetsim/workflows/cell_shards.hpp"
#include "fleetsim/workflows/sweep_results.hpp"

namespace fleetsim {
namespace {

struct MergeOptions {
  std::vector<std::string> inputs;
  std::string output;  // CSV; stdout when empty
  std::string jsonl;
  std::string format = "json";  // of a merged cells report
};

// Shards of a run split into cells: every cell once, merged into one report.
int merge_cells_shards(const MergeOptions& o, const std::vector<std::pair<std::string, std::string>>& files) {
  if (!o.jsonl.empty()) {
    std::cerr << "fleetsim: error: --jsonl is for sweep shards; cells shards merge into one report (-o FILE)\n";
    return kExitUsage;
  }
  MergedCells shards = read_cell_shards(files);
  std::string error;
  std::optional<Report> merged;
  if (shards.ok()) merged = merge_cells(shards.cells, shards.header.seed, error);
  if (shards.ok() && !merged) shards.errors.push_back("the cells do not merge: " + error);
  for (const auto& e : shards.errors) std::cerr << "fleetsim: error: " << e << "\n";
  if (!merged) {
    std::cerr << "fleetsim: merge: " << plural(shards.errors.size(), "error") << ", nothing was written\n";
    return kExitInvalidInput;
  }
  if (const int rc = emit(render_report(*merged, o.format == "csv" ? ReportFormat::csv
                                                 : o.format == "table" ? ReportFormat::table
                                                                       : ReportFormat::json),
                          o.output);
      rc != kExitOk)
    return rc;
  std::cerr << "fleetsim: merge: " << shards.header.scenario << ", " << plural(shards.cells.size(), "cell") << " from "
            << plural(files.size(), "file") << "\n";
  return kExitOk;
}

int merge(const MergeOptions& o) {
  std::vector<std::pair<std::string, std::string>> files;
  for (const auto& path : o.inputs) {
    std::string error;
    std::optional<std::string> text = read_input_file(path, error, limits::kMaxJsonFileBytes);
    if (!text) {
      std::cerr << "fleetsim: error: " << path << ": cannot read: " << error << "\n";
      return kExitInvalidInput;
    }
    files.emplace_back(path, std::move(*text));
  }
  if (!files.empty() && is_cells_shard(files.front().second)) return merge_cells_shards(o, files);
  const MergedSweep merged = merge_sweep_shards(files);
  for (const auto& e : merged.errors) std::cerr << "fleetsim: error: " << e << "\n";
  if (!merged.ok()) {
    std::cerr << "fleetsim: merge: " << plural(merged.errors.size(), "error") << ", nothing was written\n";
    return kExitInvalidInput;
  }
  if (!o.jsonl.empty()) {
    std::string text;
    for (const SweepRow& row : merged.rows) text += sweep_jsonl_line(merged.header, row);
    if (const int rc = emit(text, o.jsonl); rc != kExitOk) return rc;
  }
  if (!o.output.empty() || o.jsonl.empty()) {
    if (const int rc = emit(sweep_csv(merged.rows, merged.header.replications), o.output); rc != kExitOk) return rc;
  }
  std::size_t failed = 0;
  for (const SweepRow& row : merged.rows) failed += row.ok() ? 0 : 1;
  std::cerr << "fleetsim: merge: sweep " << merged.header.sweep_id << ", " << plural(merged.rows.size(), "point")
            << " from " << plural(files.size(), "file") << (failed ? ", " + std::to_string(failed) + " failed" : "")
            << "\n";
  return failed ? kExitInvalidInput : kExitOk;
}

}  // namespace

Command add_merge_command(CLI::App& app) {
  auto o = std::make_shared<MergeOptions>();
  auto* cmd = app.add_subcommand(
      "merge", "Join the JSON lines of sweep shards (--shard K/N) into one CSV, or of cells shards into one report");
  cmd->add_option("inputs", o->inputs,
                  "JSON-lines files written by fleetsim sweep --jsonl, or by fleetsim run --shard (a scenario's cells)")
      ->required()
      ->type_name("FILE");
  cmd->add_option("-o,--output", o->output, "Write the CSV to FILE (atomically; a device or FIFO in place) instead of stdout")
      ->type_name("FILE");
  cmd->add_option("--jsonl", o->jsonl, "Also write the merged JSON lines to FILE")->type_name("FILE");
  cmd->add_option("--format", o->format, "Cells shards: the merged report's format, json (default), table or csv")
      ->check(CLI::IsMember({"table", "json", "csv"}));
  return {cmd, [o] { return merge(*o); }};
}

}  // namespace fleetsim
