// Reads a value that may change with simulated time (step_series.hpp): one
// number, a list of hourly values, or a map naming a CSV file and column (or
// inline values) with its step. docs/scenario-format.md, "Values that change
// over time".
#pragma once

#include <optional>
#include <string>

#include "fleetsim/core/step_series.hpp"
#include "fleetsim/io/yaml_reader.hpp"

namespace fleetsim {

// `unit` says what the numbers are ("USD per kWh"), for hints. Every value
// must be >= 0. A file is found relative to the file being read (the
// scenario, or a --catalog file); its problems are located in it.
std::optional<StepSeries> read_step_series(YamlReader& reader, const YAML::Node& node, const std::string& path,
                                           const std::string& unit);

// The values of column `column` of a CSV text `text` read from `file` (lines
// starting with # and blank lines skipped, the first other line the header).
// Problems go to `out`, located in `file` at `key_path`; nothing when
// there is one. `unit` is for hints.
std::optional<std::vector<double>> parse_series_csv(const std::string& text, const std::string& file,
                                                    const std::string& column, const std::string& key_path,
                                                    const std::string& unit, std::vector<Diagnostic>& out);

}  // namespace fleetsim
