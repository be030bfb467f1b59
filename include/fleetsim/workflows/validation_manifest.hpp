// The manifest of fleetsim's published-measurement suite (validation/cases.yaml):
// one case per measurement, with the role that decides its tolerance.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace fleetsim {

struct ValidationCase {
  std::string id;
  std::string scenario;  // path, relative to the manifest's directory
  std::string variant;
  std::string hardware;
  std::string model;
  std::string setup;
  std::string metric;  // what is compared, for people (with its unit)
  std::string value;   // expression over the report JSON (report_expression.hpp)
  double published = 0.0;
  std::string role;       // fitted | holdout | reference | check
  std::string kind;       // throughput | latency | power | queueing
  std::string source_id;  // one publication: the unit of leave-one-source-out statistics
  std::string hardware_class;  // whose catalog parameters apply, e.g. "hopper"
  std::string stack;           // serving software, e.g. "tensorrt-llm"
  std::string source;
  std::string date;
  std::string note;
  std::string known_issue;  // a drift explained here is reported but does not fail the run
  // A mechanism the model lacks that this case's error shows: the id of an
  // entry of the manifest's `gaps:` and that entry's statement. Named for
  // a group of cases, so that no case beyond 35% stands unexplained; it
  // changes neither the case's role nor its tolerance.
  std::string gap;
  std::string gap_mechanism;
  // Relative tolerance from the role (and kind): fitted and hold-out cases
  // take the manifest's `tolerances:`, a check case states its own, a
  // reference case has none (0).
  double tolerance = 0.0;

  bool gated() const { return role == "fitted" || role == "check"; }
  bool per_token_figure() const { return kind == "throughput" || kind == "latency"; }
  // A reference case names its mechanism in `note` (the role requires it).
  bool names_missing_mechanism() const { return !gap.empty() || role == "reference"; }
};

// Reads and checks the manifest; throws std::runtime_error naming the case
// and key on any mistake.
std::vector<ValidationCase> read_validation_manifest(const std::filesystem::path& manifest);

}  // namespace fleetsim
