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
  // Relative tolerance from the role (and kind): fitted and hold-out cases
  // take the manifest's `tolerances:`, a check case states its own, a
  // reference case has none (0).
  double tolerance = 0.0;

  bool gated() const { return role == "fitted" || role == "check"; }
  bool per_token_figure() const { return kind == "throughput" || kind == "latency"; }
};

// Reads and checks the manifest; throws std::runtime_error naming the case
// and key on any mistake.
std::vector<ValidationCase> read_validation_manifest(const std::filesystem::path& manifest);

}  // namespace fleetsim
