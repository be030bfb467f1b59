// The shards of a run split into cells (`fleetsim run FILE --shard K/N`),
// and their merge (`fleetsim merge`): one JSON line per cell,
//
//   {"schema": "fleetsim.cells/1", "cells_id": "...", "scenario": "...",
//    "seed": 1, "cells": 3, "cell": 0, "result": {fleetsim.cell/1 ...}}
//
// where `result` is the cell's run as `fleetsim run --cell NAME
// --cell-result` prints it (fleetsim/io/cell_result.hpp). The cells id is a
// hash of the scenario file's bytes, the variant, the overrides and the
// seed given, so that shards of different runs are not merged.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "fleetsim/core/cell_merge.hpp"

namespace fleetsim {

inline constexpr std::string_view kCellsSchema = "fleetsim.cells/1";

struct CellsHeader {
  std::string cells_id;
  std::string scenario;
  std::uint64_t seed = 0;  // the scenario's (or --seed's), from which each cell's is derived
  std::size_t cells = 0;   // in the whole run, every shard included
};

std::string cells_id(const std::string& scenario_bytes, const std::string& variant,
                     const std::vector<std::pair<std::string, std::string>>& overrides,
                     std::optional<std::uint64_t> seed);

// One line of a shard: cell `index` of the run `header` describes.
std::string cells_shard_line(const CellsHeader& header, std::size_t index, const nlohmann::ordered_json& result);

// Whether `text` (a file's contents) holds a cells shard rather than a sweep's.
bool is_cells_shard(const std::string& text);

struct MergedCells {
  CellsHeader header;
  std::vector<CellRun> cells;  // in the scenario's order
  std::vector<std::string> errors;  // "FILE:LINE: ..."; empty when every cell is there once
  bool ok() const { return errors.empty(); }
};

// Reads the shards (name, contents): refuses lines of another run, a cell
// given twice and missing cells, naming each.
MergedCells read_cell_shards(const std::vector<std::pair<std::string, std::string>>& files);

}  // namespace fleetsim
