// Cells: one scenario file split into independent parts (sites, regions),
// each with its own pools and a share of the traffic (docs/cells.md).
//
//   cells:
//     - name: us-east
//       share: 0.5                 # or traffic_scale: 1.2 (any multiplier)
//       fleet: {pools: [...]}      # a partial scenario, merged like a variant
//
// Each cell is simulated as a scenario of its own, in its own process: the
// base (with the variant, if any) with the cell merged over it, its arrival
// rates multiplied by the cell's scale, and its own seed (cell_seed). Cells
// share nothing during the run, so their reports merge exactly afterwards.
#pragma once

#include <cstdint>
#include <string>

namespace fleetsim {

struct CellSpec {
  std::string name;
  // The cell's arrival rates are the base's times this: its `share`
  // (shares sum to 1) or its `traffic_scale`.
  double traffic_scale = 1.0;
  bool from_share = false;  // given as `share`
};

// The seed of a cell's run: the scenario's seed and the cell's name mixed
// (FNV-1a of the name, then SplitMix64), so that a cell keeps its stream
// whatever cells are added, removed or reordered around it.
std::uint64_t cell_seed(std::uint64_t scenario_seed, const std::string& cell_name);

}  // namespace fleetsim
