#include "failure_reader.hpp"
#include "scenario_words.hpp"
#include "scenario_key_check.hpp"

namespace fleetsim {

std::optional<FailureSpec> read_failures(YamlReader& r, const YAML::Node& map, const std::string& path,
                                        bool autoscaled) {
  if (!r.expect_map(map, path, "e.g. failures: {mttf: 2000h, mttr: 4h}")) return std::nullopt;
  check_scenario_keys(r, map, path, "failures");
  const std::size_t errors = r.error_count();
  FailureSpec f;
  if (const YAML::Node n = r.require(map, path, "mttf", "the mean time from a node's start to its failure, e.g. 2000h"))
    if (auto v = r.quantity(n, child_path(path, "mttf"), Dimension::duration, greater_than(0))) f.mttf_s = *v;
  // An autoscaled pool replaces a failed node, which then takes the pool's
  // provisioning time: there is no repair to time (docs/failures.md).
  if (autoscaled) {
    if (const YAML::Node n = YamlReader::get(map, "mttr"))
      r.error(n, child_path(path, "mttr"), "an autoscaled pool replaces a failed node instead of repairing it",
              "remove mttr: the replacement takes the pool's provisioning time (autoscale.startup and the model's "
              "load)");
  } else if (const YAML::Node n = r.require(map, path, "mttr",
                                            "the mean time a failed node takes to serve again, e.g. 4h")) {
    if (auto v = r.quantity(n, child_path(path, "mttr"), Dimension::duration, greater_than(0))) f.mttr_s = *v;
  }
  if (const YAML::Node n = YamlReader::get(map, "notice"))
    if (auto v = r.quantity(n, child_path(path, "notice"), Dimension::duration, at_least(0))) f.notice_s = *v;
  if (const YAML::Node n = YamlReader::get(map, "distribution"))
    if (auto v = r.choice(n, child_path(path, "distribution"), failure_distribution_choices(), "time-to-failure distribution"))
      f.distribution = *v;
  if (const YAML::Node n = YamlReader::get(map, "shape")) {
    if (f.distribution != FailureSpec::Distribution::weibull)
      r.error(n, child_path(path, "shape"), "shape applies only to distribution: weibull",
              "add distribution: weibull, or remove shape");
    else if (auto v = r.number(n, child_path(path, "shape"), in_range(0.1, 10.0)))
      f.shape = *v;
  } else if (f.distribution == FailureSpec::Distribution::weibull) {
    r.error(map, path, "distribution: weibull needs a shape",
            "e.g. shape: 0.8 (below 1: failures come early in a node's life; 1 is exponential)");
  }
  if (const YAML::Node n = YamlReader::get(map, "scope")) {
    if (auto v = r.choice(n, child_path(path, "scope"), failure_scope_choices(), "what fails")) f.scope = *v;
    // A replica fails alone (a device, the engine); a spot notice and an
    // autoscaler's replacement concern whole instances.
    if (f.scope == FailureSpec::Scope::replica && autoscaled)
      r.error(n, child_path(path, "scope"), "an autoscaled pool replaces whole nodes; replica failures are not modelled there",
              "use scope: replica on a fixed pool, or remove scope");
    else if (f.scope == FailureSpec::Scope::replica && f.notice_s > 0)
      r.error(n, child_path(path, "scope"), "a notice warns of a node's interruption, not of one replica's failure",
              "remove notice, or use scope: node");
  }
  if (r.error_count() != errors) return std::nullopt;
  return f;
}

}  // namespace fleetsim
