// The stability check: the step integral it reads, the rules on hand-made
// reports, and an overloaded scenario end to end.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include <nlohmann/json.hpp>

#include "fleetsim/io/report_writers.hpp"
#include "fleetsim/core/stability.hpp"
#include "fleetsim/core/step_integral.hpp"
#include "support/cli_runner.hpp"

using fleetsim::PoolReport;
using fleetsim::Report;
using fleetsim::StepIntegral;
using fleetsim::WorkloadReport;
using fleetsim::testing::run_fleetsim;
using fleetsim::testing::source;

namespace {

PoolReport pool_report(const std::string& name, double utilization, double first, double second) {
  PoolReport p;
  p.name = name;
  p.utilization = utilization;
  p.calls_in_flight_first_half = first;
  p.calls_in_flight_second_half = second;
  return p;
}

WorkloadReport workload(const std::string& name, std::int64_t started, std::int64_t completed, double first,
                        double second) {
  WorkloadReport w;
  w.name = name;
  w.sessions_started = started;
  w.sessions_completed = completed;
  w.sessions_in_system_first_half = first;
  w.sessions_in_system_second_half = second;
  return w;
}

}  // namespace

TEST_CASE("StepIntegral: means over parts of the run", "[stability]") {
  StepIntegral s(10.0, 1.0);
  s.change(5.0, 2.0);   // before the start: counts from 10 s on
  s.change(20.0, 2.0);  // 2 over [10, 20), 4 over [20, 30)
  s.settle(30.0);
  CHECK(s.value() == 4.0);
  CHECK(s.mean(10.0, 20.0) == Approx(2.0));
  CHECK(s.mean(20.0, 30.0) == Approx(4.0));
  CHECK(s.mean(0.0, 30.0) == Approx(3.0));    // clipped to what was integrated
  CHECK(s.mean(15.0, 25.0) == Approx(3.0));
  CHECK(std::isnan(s.mean(30.0, 40.0)));
}

TEST_CASE("StepIntegral: bins merge as the run grows, memory stays bounded", "[stability]") {
  StepIntegral s(0.0, 1.0);
  // A ramp: the count rises by one every 10 s for 100,000 s.
  for (int i = 1; i <= 10000; ++i) s.change(10.0 * i, 1.0);
  s.settle(100000.0);
  // Mean of the ramp over each half: ~2,500 and ~7,500 (the steps shift it by half a step).
  CHECK(s.mean(0.0, 50000.0) == Approx(2499.5).epsilon(0.01));
  CHECK(s.mean(50000.0, 100000.0) == Approx(7499.5).epsilon(0.01));
  // A partly integrated last bin counts only its integrated part.
  StepIntegral t(0.0, 100.0);
  t.change(0.0, 3.0);
  t.settle(50.0);
  CHECK(t.mean(0.0, 50.0) == Approx(3.0));
}

TEST_CASE("Stability: growth needs both the relative and the absolute margin", "[stability]") {
  CHECK_FALSE(fleetsim::grows(20.0, 24.0));  // +20%: noise
  CHECK(fleetsim::grows(20.0, 26.0));        // +30%
  CHECK_FALSE(fleetsim::grows(0.5, 1.2));    // +140% but less than one call
  CHECK(fleetsim::grows(0.5, 1.6));
  CHECK_FALSE(fleetsim::grows(30.0, 10.0));  // draining is not growing
  CHECK_FALSE(fleetsim::grows(NAN, 10.0));
}

TEST_CASE("Stability: a steady report has no findings", "[stability]") {
  Report r;
  r.pools = {pool_report("gpu", 0.6, 3.1, 3.3), pool_report("cpu", 0.3, 0.4, 0.5)};
  r.workloads = {workload("agent", 500, 490, 21.6, 22.9)};
  const auto c = fleetsim::check_stability(r);
  CHECK(c.stable);
  CHECK(c.findings.empty());
}

TEST_CASE("Stability: a growing pool backlog names the pool, its utilization and the figure", "[stability]") {
  Report r;
  r.pools = {pool_report("gpu", 0.55, 2.0, 2.1), pool_report("graviton", 0.999, 99.3, 193.0)};
  r.workloads = {workload("agent", 541, 210, 107.0, 201.0)};
  const auto c = fleetsim::check_stability(r);
  CHECK_FALSE(c.stable);
  REQUIRE(c.findings.size() == 2);
  const auto& p = c.findings[0];
  CHECK(p.kind == "pool_backlog_growing");
  CHECK(p.pool == "graviton");
  CHECK(p.workload.empty());
  CHECK(p.utilization == 0.999);
  CHECK(p.figure == "calls_in_flight");
  CHECK(p.first_half == 99.3);
  CHECK(p.second_half == 193.0);
  CHECK(p.hint.find("fleet.pools.graviton.count") != std::string::npos);
  const auto& w = c.findings[1];
  CHECK(w.kind == "sessions_accumulating");
  CHECK(w.workload == "agent");
  CHECK(w.pool == "graviton");  // the busiest pool with a growing backlog, not the first
  CHECK(w.figure == "sessions_in_system");
  CHECK(w.hint.find("warm-up") != std::string::npos);
}

TEST_CASE("Stability: a workload that completes no session is flagged even without growth", "[stability]") {
  Report r;
  r.pools = {pool_report("cpu", 0.4, 10.0, 10.5)};
  r.workloads = {workload("slow", 30, 0, 15.0, 15.0), workload("idle", 0, 0, 0.0, 0.0)};
  const auto c = fleetsim::check_stability(r);
  REQUIRE(c.findings.size() == 1);
  CHECK(c.findings[0].kind == "no_session_completed");
  CHECK(c.findings[0].workload == "slow");
  CHECK(c.findings[0].hint.find("longer than the window") != std::string::npos);
}

TEST_CASE("Stability: traffic that rises is scaled out before the halves are compared", "[stability]") {
  // A day whose second half brings 1.8 times the arrivals of the first: a
  // fleet that keeps up holds 1.8 times the calls (Little's law).
  Report r;
  r.pools = {pool_report("cpu", 0.5, 10.0, 18.5)};
  WorkloadReport agent = workload("agent", 9000, 8990, 12.0, 21.0);
  agent.expected_arrivals_first_half = 3200.0;
  agent.expected_arrivals_second_half = 5760.0;
  WorkloadReport steady = workload("steady", 100, 100, 1.0, 1.1);
  steady.expected_arrivals_first_half = steady.expected_arrivals_second_half = 50.0;
  r.workloads = {agent, steady};
  CHECK(fleetsim::arrival_ratio(agent) == Approx(1.8));
  CHECK(fleetsim::arrival_ratio(steady) == 1.0);
  // The pool sees both: (5760 + 50) / (3200 + 50).
  CHECK(fleetsim::fleet_arrival_ratio(r) == Approx(5810.0 / 3250.0));
  CHECK(fleetsim::check_stability(r).stable);

  // Growth beyond the traffic is still a backlog: 10 x 1.79 = 17.9, 40 grows.
  r.pools[0].calls_in_flight_second_half = 40.0;
  r.workloads[0].sessions_in_system_second_half = 45.0;
  const auto c = fleetsim::check_stability(r);
  REQUIRE(c.findings.size() == 2);
  CHECK(c.findings[0].kind == "pool_backlog_growing");
  CHECK(c.findings[0].arrival_ratio == Approx(5810.0 / 3250.0));
  CHECK(c.findings[1].kind == "sessions_accumulating");
  CHECK(c.findings[1].workload == "agent");
  CHECK(c.findings[1].arrival_ratio == Approx(1.8));

  // A trace (no expected arrivals) counts as steady traffic.
  WorkloadReport trace = workload("trace", 10, 10, 1.0, 1.0);
  CHECK(fleetsim::arrival_ratio(trace) == 1.0);
}

TEST_CASE("Stability: every report format carries the findings", "[stability][report]") {
  Report r;
  r.run.scenario = "s";
  r.pools = {pool_report("graviton", 1.0, 99.3, 193.0)};
  r.workloads = {workload("agent", 541, 210, 107.0, 201.0)};
  r.stability = fleetsim::check_stability(r);
  const std::string table = fleetsim::render_table(r);
  CHECK(table.find("UNSTABLE RUN") != std::string::npos);
  CHECK(table.find("pool graviton (utilization 100.0%): calls in flight 99.3 -> 193") != std::string::npos);
  CHECK(table.find("    hint: pool 'graviton'") != std::string::npos);
  const auto j = nlohmann::json::parse(fleetsim::render_json(r));
  const auto& s = j["checks"]["stability"];
  CHECK(s["stable"] == false);
  REQUIRE(s["findings"].size() == 2);
  CHECK(s["findings"][0]["pool"] == "graviton");
  CHECK(s["findings"][0]["workload"].is_null());
  CHECK(s["findings"][0]["utilization"] == 1.0);
  CHECK(s["findings"][0]["second_half"] == 193.0);
  CHECK(j["pools"][0]["calls_in_flight_second_half"] == 193.0);
  CHECK(j["workloads"][0]["sessions_in_system_first_half"] == 107.0);
  const std::string csv = fleetsim::render_csv(r);
  CHECK(csv.find("\ncheck,stability,stable,0,bool\n") != std::string::npos);
  CHECK(csv.find("\nstability,graviton,pool_backlog_growing.utilization,1,fraction\n") != std::string::npos);
  CHECK(csv.find("\nstability,graviton,pool_backlog_growing.calls_in_flight.second_half,193,calls\n") !=
        std::string::npos);
  CHECK(csv.find("\nstability,agent,sessions_accumulating.sessions_in_system.first_half,107,sessions\n") !=
        std::string::npos);
}

TEST_CASE("Stability end to end: an overloaded Graviton pool is reported, a large enough one is not",
          "[stability][engine]") {
  const std::string scenario = source("tests/data/overloaded-graviton.yaml");
  const auto over = run_fleetsim("run " + scenario + " --format json --no-progress");
  REQUIRE(over.exit_code == 0);
  const auto j = nlohmann::json::parse(over.out);
  const auto& s = j["checks"]["stability"];
  CHECK(s["stable"] == false);
  REQUIRE(s["findings"].size() >= 1);
  CHECK(s["findings"][0]["kind"] == "pool_backlog_growing");
  CHECK(s["findings"][0]["pool"] == "graviton4");
  CHECK(s["findings"][0]["utilization"].get<double>() > 0.95);
  CHECK(s["findings"][0]["second_half"].get<double>() > 1.5 * s["findings"][0]["first_half"].get<double>());
  const auto table = run_fleetsim("run " + scenario + " --no-progress");
  CHECK(table.out.find("UNSTABLE RUN") != std::string::npos);

  const auto fine = run_fleetsim("run " + scenario + " --set fleet.pools.graviton4.count=20 --format json --no-progress");
  REQUIRE(fine.exit_code == 0);
  CHECK(nlohmann::json::parse(fine.out)["checks"]["stability"]["stable"] == true);
}

TEST_CASE("Stability end to end: a day of diurnal traffic is steady on a pool sized for its peak, not on a smaller one",
          "[stability][engine][slow]") {
  // Arrivals at 2/s x (1 + 0.8 cos(2 pi (t - 14h) / 24h)) over one day: the
  // halves' integrals are 12h +- 0.8 x 24h / 2 pi, a ratio of 1.683 that the
  // fleet's calls in flight follow without any backlog.
  const std::string scenario = source("scenarios/autoscaling.yaml");
  const auto peak = run_fleetsim("run " + scenario + " --format json --no-progress");
  REQUIRE(peak.exit_code == 0);
  const auto j = nlohmann::json::parse(peak.out);
  CHECK(j["checks"]["stability"]["stable"] == true);
  const double first = j["pools"][0]["calls_in_flight_first_half"].get<double>();
  const double second = j["pools"][0]["calls_in_flight_second_half"].get<double>();
  CHECK(second > 1.25 * first);  // the unscaled rule would have called this a backlog

  const auto small = run_fleetsim("run " + scenario + " --set fleet.pools.graviton4.count=12 --format json --no-progress");
  REQUIRE(small.exit_code == 0);
  const auto report = nlohmann::json::parse(small.out);
  const auto& s = report["checks"]["stability"];
  CHECK(s["stable"] == false);
  REQUIRE(s["findings"].size() == 2);
  const double k = 24.0 / (2.0 * 3.14159265358979323846);
  const double ratio = (12.0 + 0.8 * k) / (12.0 - 0.8 * k);
  CHECK(s["findings"][0]["arrival_ratio"].get<double>() == Approx(ratio).epsilon(1e-3));
  CHECK(s["findings"][1]["arrival_ratio"].get<double>() == Approx(ratio).epsilon(1e-3));
}
