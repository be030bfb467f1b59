// `fleetsim run FILE` of a scenario with cells (docs/cells.md): each cell in
// a child process (`fleetsim run FILE --cell NAME --cell-result`), at most
// -j at a time, their runs merged into one report; or, with --shard K/N,
// only the cells with index i mod N = K-1, written as JSON lines for
// `fleetsim merge`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fleetsim/io/cell_spec.hpp"
#include "scenario_options.hpp"

namespace fleetsim {

struct CellRunsOptions {
  std::string scenario;
  std::string variant;
  Overrides overrides;
  std::optional<std::uint64_t> seed;  // --seed, passed on to every cell
  std::string format = "table";       // of the merged report
  std::string output;
  std::string json;                   // --json FILE: the merged report as JSON too; empty, none
  int jobs = 1;
  std::string shard;                  // K/N; empty: every cell, merged
  std::vector<std::string> limits;    // --max-* as given, for each cell
  bool progress = true;
};

// `scenario_seed`: the loaded scenario's (after --set), for the shards'
// header when --seed is not given. An exit code (exit_codes.hpp).
int run_cells(const CellRunsOptions& options, const std::vector<CellSpec>& cells, std::uint64_t scenario_seed,
              const std::string& scenario_name);

}  // namespace fleetsim
