// fleetsim merge A.jsonl B.jsonl ...: join the JSON lines of a sweep's shards
// into one CSV (and JSON lines), checking that they are one whole sweep.
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
#include "fleetsim/workflows/sweep_results.hpp"

namespace fleetsim {
namespace {

struct MergeOptions {
  std::vector<std::string> inputs;
  std::string output;  // CSV; stdout when empty
  std::string jsonl;
};

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
  auto* cmd = app.add_subcommand("merge", "Join the JSON lines of sweep shards (--shard K/N) into one CSV");
  cmd->add_option("inputs", o->inputs, "JSON-lines files written by fleetsim sweep --jsonl")
      ->required()
      ->type_name("FILE");
  cmd->add_option("-o,--output", o->output, "Write the CSV to FILE (atomically; a device or FIFO in place) instead of stdout")
      ->type_name("FILE");
  cmd->add_option("--jsonl", o->jsonl, "Also write the merged JSON lines to FILE")->type_name("FILE");
  return {cmd, [o] { return merge(*o); }};
}

}  // namespace fleetsim
