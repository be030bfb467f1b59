// A sweep: one scenario run at many points, each point a set of `--set`
// overrides (`fleetsim sweep`).
//
// Parameters come from the command line (`--set PATH=10:100:10` for a range,
// `--set PATH=a,b,c` for a list) and from a sweep file:
//
//   sweep:
//     parameters:
//       fleet.pools.cpu.count: {from: 10, to: 100, step: 10}
//       workloads.coder.arrivals.rate: [1/s, 2/s, 3/s]
//     mode: cross          # or zip
//     replications: 3
//
// `cross` runs every combination (the first parameter varies slowest);
// `zip` runs the i-th value of every parameter together.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "fleetsim/core/diagnostics.hpp"

namespace fleetsim {

struct SweepParameter {
  std::string path;                 // as for --set
  std::vector<std::string> values;  // YAML text, passed on as --set PATH=VALUE
};

enum class SweepMode { cross, zip };

struct SweepSpec {
  std::vector<SweepParameter> parameters;
  SweepMode mode = SweepMode::cross;
  int replications = 1;
};

struct SweepPoint {
  std::size_t index = 0;
  std::vector<std::pair<std::string, std::string>> settings;  // one per parameter, in order
};

// Every point, in order. Empty with `error` set when zipped parameters differ
// in length.
std::vector<SweepPoint> sweep_points(const SweepSpec& spec, std::string& error);

// The values of `--set PATH=SPEC` in a sweep: FROM:TO:STEP (inclusive; the
// three may carry the same unit: 1/s:3/s:0.5/s), or A,B,C (commas inside
// brackets, braces or quotes do not split), or one value. Empty with `error`
// set when a range is malformed.
std::vector<std::string> sweep_values(const std::string& spec, std::string& error);

// FROM..TO by STEP as YAML text: numbers printed to 12 significant digits
// (so 0.1 + 0.2 prints 0.3), each with the unit the bounds carry.
std::vector<std::string> expand_range(const std::string& from, const std::string& to, const std::string& step,
                                      std::string& error);

struct SweepFile {
  SweepSpec spec;
  bool mode_given = false;
  bool replications_given = false;
  std::vector<Diagnostic> diagnostics;
  bool ok() const;
};

// Reads a sweep file (top-level key `sweep:`).
SweepFile load_sweep_file(const std::string& path);

// Identifies a sweep, so that `fleetsim merge` joins only shards of the same
// one: a hash of the scenario file's bytes, the variant, the fixed overrides,
// the parameters and their values, the mode, the replications and the seed.
std::string sweep_id(const std::string& scenario_bytes, const std::string& variant,
                     const std::vector<std::pair<std::string, std::string>>& fixed, const SweepSpec& spec,
                     std::optional<std::uint64_t> seed);

// `--shard K/N`: shard K (1-based) of N runs the points whose index i has
// i mod N == K - 1 (round robin, so that a range's costly end is spread over
// the shards).
struct Shard {
  int index = 1;  // K
  int count = 1;  // N
  bool contains(std::size_t point) const {
    return static_cast<int>(point % static_cast<std::size_t>(count)) == index - 1;
  }
};
std::optional<Shard> parse_shard(const std::string& text);

}  // namespace fleetsim
