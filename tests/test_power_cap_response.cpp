// A site power cap's two extensions (docs/performance-model.md 5.3): clocks
// lowered when the cap binds (response: lower_clocks) and a cap that changes
// over time (schedule:). The gate's bookkeeping by hand, then runs whose
// outcome follows from runs at fixed frequency states.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "fleetsim/core/hardware.hpp"
#include "fleetsim/core/power_cap.hpp"
#include "fleetsim/core/power_state.hpp"
#include "support/cli_runner.hpp"
#include "support/power_cap_calls.hpp"
#include "support/scenario_text.hpp"

using namespace fleetsim;
using namespace fleetsim::testing;
using Json = nlohmann::json;

TEST_CASE("the power cap gate grants the fastest clock that fits, and waits only when none does",
          "[power_cap][lower_clocks]") {
  PowerCapGate gate(100.0, 3, 0.0);
  const std::vector<double> second = {50.0, 35.0, 20.0};  // its draw at the pool's state, then two lower states
  const std::vector<double> third = {30.0, 10.0};
  CHECK(gate.admit(0, 60.0, 0.0));
  CHECK(gate.admit(1, second, 0.0) == 1);  // 110 W does not fit, 95 W does
  CHECK(gate.granted(1) == 1);
  CHECK(gate.in_use_w() == Approx(95.0));
  CHECK(gate.admit(2, third, 1.0) == -1);  // 125 W, 105 W: none fits
  CHECK(gate.waiting(2));
  const auto released = gate.end(0, 2.0);  // 35 W in use: 30 W at the pool's state fits
  REQUIRE(released.size() == 1);
  CHECK(released[0] == 2);
  CHECK(gate.granted(2) == 0);
  CHECK(gate.in_use_w() == Approx(65.0));
  gate.settle(3.0);
  const PowerCapStats& s = gate.stats();
  CHECK(s.lowered_plans == 1);
  CHECK(s.held_plans == 1);
  CHECK(s.held_replica_s == Approx(1.0));
  CHECK(s.time_at_cap_s == Approx(1.0));
  CHECK(s.peak_dynamic_w == Approx(95.0));
}

TEST_CASE("a replica behind a waiting one waits even when one of its lower clocks fits", "[power_cap][lower_clocks]") {
  PowerCapGate gate(100.0, 3, 0.0);
  CHECK(gate.admit(0, 70.0, 0.0));
  const std::vector<double> head = {60.0, 40.0};  // 130 W, 110 W
  const std::vector<double> behind = {50.0, 20.0};  // 90 W would fit, but the head waits
  CHECK(gate.admit(1, head, 0.0) == -1);
  CHECK(gate.admit(2, behind, 0.5) == -1);
  CHECK_FALSE(gate.fits(20.0));  // the queue is not empty
  const auto released = gate.end(0, 1.0);  // 0 W in use: the head at its pool's state, then 50 W does not fit, 20 W does
  REQUIRE(released.size() == 2);
  CHECK(gate.granted(1) == 0);
  CHECK(gate.granted(2) == 1);
  CHECK(gate.in_use_w() == Approx(80.0));
  CHECK(gate.stats().lowered_plans == 1);
}

TEST_CASE("the power cap gate follows a budget that falls and rises, preempting nothing", "[power_cap][schedule]") {
  PowerCapGate gate(100.0, 2, 0.0);
  CHECK(gate.admit(0, 80.0, 0.0));
  CHECK(gate.set_budget(50.0, 1.0).empty());  // 80 W keep running above it
  CHECK(gate.in_use_w() == 80.0);
  CHECK_FALSE(gate.admit(1, 40.0, 2.0));      // 120 W > 50 W
  const auto after_end = gate.end(0, 3.0);    // 40 W fits the lower budget once the 80 W plan ends
  REQUIRE(after_end.size() == 1);
  CHECK(after_end[0] == 1);
  CHECK_FALSE(gate.admit(0, 60.0, 4.0));      // 100 W > 50 W
  const auto after_rise = gate.set_budget(100.0, 5.0);
  REQUIRE(after_rise.size() == 1);
  CHECK(after_rise[0] == 0);
  CHECK(gate.in_use_w() == Approx(100.0));
  CHECK(gate.stats().held_replica_s == Approx(1.0 + 1.0));  // [2, 3] and [4, 5]
  CHECK(gate.stats().time_at_cap_s == Approx(2.0));
}

TEST_CASE("lower clocks count the time lost only within the window", "[power_cap][lower_clocks]") {
  PowerCapGate gate(100.0, 1, 1.0);
  gate.ran_lowered(0.0, 2.0, 0.5);  // half of it in the window
  gate.ran_lowered(3.0, 4.0, 0.25);
  CHECK(gate.stats().lowered_busy_s == Approx(1.0 + 1.0));
  CHECK(gate.stats().lowered_extra_s == Approx(0.25 + 0.25));
}

TEST_CASE("a pool's lower frequency states, fastest first, taken relative to the pool's own", "[power_cap][lower_clocks]") {
  HardwareSpec hw;
  hw.kind = DeviceKind::gpu;
  hw.peak_flops[DataType::bf16] = 1000.0;
  hw.device_power = {100.0, 300.0, 500.0};  // idle, memory bound, compute bound
  hw.pstates = {{"top", 1.0, 1.0}, {"low", 0.5, 0.8}, {"mid", 0.8, 0.9}};
  const PowerState mid = current_power_state(hw, "mid");
  CHECK(mid.clock == 0.8);
  const auto slower = slower_power_states(hw, current_power_state(hw, ""));
  REQUIRE(slower.size() == 2);
  CHECK(slower[0].name == "mid");
  CHECK(slower[1].name == "low");
  const HardwareSpec at_mid = at_power_state(hw, mid);
  const auto below_mid = slower_power_states(at_mid, mid);
  REQUIRE(below_mid.size() == 1);
  // From mid to low is what nominal to low is: 1000 x 0.5 FLOP/s, 100 + 400 x 0.5 x 0.64 W.
  const HardwareSpec low = from_power_state(at_mid, mid, below_mid[0]);
  CHECK(low.peak_flops.at(DataType::bf16) == Approx(500.0));
  CHECK(low.device_power.compute_bound_w == Approx(100.0 + 400.0 * 0.5 * 0.64));
  CHECK(low.device_power.memory_bound_w == Approx(100.0 + 200.0 * 0.5 * 0.64));
  CHECK(low.device_power.idle_w == 100.0);
}

namespace {

constexpr double kBaselineW = 3920.0;

// tests/support/power_cap_calls.hpp's two calls under another cap.
std::string with_cap(const std::string& cap) { return with(kTwoCalls, "  power_cap: 6160W\n", "  power_cap: " + cap + "\n"); }
// Under a cap with room for both at their largest draw, 3920 + 2 x 2240 = 8400 W.
std::string roomy() { return with_cap("8400W"); }
std::string at_pstate(const std::string& text, const std::string& pstate) {
  return with(text, "      count: 1\n", "      count: 1\n      pstate: " + pstate + "\n");
}

double first_done(const Json& r) { return std::min(session_max(r, 0), session_max(r, 1)); }
double second_done(const Json& r) { return std::max(session_max(r, 0), session_max(r, 1)); }
// The IT energy above the nodes' baseline over the window.
double dynamic_energy(const Json& r) {
  return r["fleet"]["it_energy_j"].get<double>() - kBaselineW * r["run"]["window_end_s"].get<double>();
}
// Both calls run at once under the roomy cap: each plan draws half the peak above the baseline.
double plan_draw(const Json& roomy) { return (roomy["fleet"]["power_cap"]["peak_power_w"].get<double>() - kBaselineW) / 2; }

}  // namespace

TEST_CASE("with lower_clocks the second plan runs at the fastest lower state that fits, as long and as hot as there",
          "[power_cap][lower_clocks]") {
  // Under the roomy cap both calls run at once, at the pool's state and at
  // sm-1410mhz: one plan's time t and draw d at each.
  const Json nominal = run_json("nominal.yaml", roomy());
  const Json at_1410 = run_json("at-1410.yaml", at_pstate(roomy(), "sm-1410mhz"));
  const double t0 = first_done(nominal), t1410 = first_done(at_1410);
  const double d0 = plan_draw(nominal), d1410 = plan_draw(at_1410);
  CHECK(second_done(nominal) == Approx(t0));
  REQUIRE(t1410 > t0);  // a compute-bound prefill takes longer at the lower clock
  REQUIRE(d1410 < d0);
  // A cap with room for one plan at the pool's state and one at 1410 MHz,
  // not for two at the pool's state.
  const double cap = std::ceil(kBaselineW + d0 + d1410) + 1.0;
  REQUIRE(cap < kBaselineW + 2 * d0);
  const Json lowered = run_json("lowered.yaml", with_cap(fmt::format("{{power: {}W, response: lower_clocks}}", cap)));
  CHECK(first_done(lowered) == Approx(t0));
  CHECK(second_done(lowered) == Approx(t1410));  // it started at once, at sm-1410mhz
  const Json& pc = lowered["fleet"]["power_cap"];
  CHECK(pc["held_plans"].get<long>() == 0);
  CHECK(pc["peak_power_w"].get<double>() == Approx(kBaselineW + d0 + d1410));
  const Json& lc = pc["lowered_clocks"];
  CHECK(lc["plans"].get<long>() == 1);
  CHECK(lc["busy_s"].get<double>() == Approx(t1410));
  CHECK(lc["extra_busy_s"].get<double>() == Approx(t1410 - t0));
  CHECK(lc["capacity_lost_fraction"].get<double>() == Approx((t1410 - t0) / (t0 + t1410)));
  // Its energy above the baseline is one plan's at each state: half of each roomy run's.
  CHECK(dynamic_energy(lowered) == Approx(dynamic_energy(nominal) / 2 + dynamic_energy(at_1410) / 2));
  // The same cap with delay: the second plan waits for the first.
  const Json delayed = run_json("delayed.yaml", with_cap(fmt::format("{}W", cap)));
  CHECK(second_done(delayed) == Approx(2 * t0));
  CHECK_FALSE(delayed["fleet"]["power_cap"].contains("lowered_clocks"));
}

TEST_CASE("with lower_clocks a plan waits when no lower state fits either", "[power_cap][lower_clocks]") {
  const Json nominal = run_json("nominal2.yaml", roomy());
  const Json at_1110 = run_json("at-1110.yaml", at_pstate(roomy(), "sm-1110mhz"));
  const double t0 = first_done(nominal);
  // The least cap leaves 2240 W: one plan at the pool's state and one at
  // the slowest state, sm-1110mhz, do not fit together.
  REQUIRE(plan_draw(nominal) + plan_draw(at_1110) > 2240.0);
  const Json waited = run_json("waited.yaml", with_cap("{power: 6160W, response: lower_clocks}"));
  CHECK(first_done(waited) == Approx(t0));
  CHECK(second_done(waited) == Approx(2 * t0));
  const Json& pc = waited["fleet"]["power_cap"];
  CHECK(pc["held_plans"].get<long>() == 1);
  CHECK(pc["held_replica_s"].get<double>() == Approx(t0));
  CHECK(pc["lowered_clocks"]["plans"].get<long>() == 0);
  CHECK(pc["lowered_clocks"]["extra_busy_s"].get<double>() == 0.0);
}

TEST_CASE("a scheduled cap that rises lets a waiting plan go, one that falls preempts nothing", "[power_cap][schedule]") {
  const Json nominal = run_json("nominal3.yaml", roomy());
  const double t0 = first_done(nominal);
  // Both sessions arrive one constant interval in, at 60 s.
  const double arrival = nominal["run"]["window_end_s"].get<double>() - t0;
  REQUIRE(arrival == Approx(60.0));
  // Low (one plan at a time) until t0/2 after they arrive, then roomy: the second plan waits t0/2.
  const Json rises = run_json("rises.yaml", with_cap(fmt::format(
      "{{schedule: [{{at: 0s, power: 6160W}}, {{at: {}s, power: 8400W}}]}}", arrival + t0 / 2)));
  CHECK(first_done(rises) == Approx(t0));
  CHECK(second_done(rises) == Approx(1.5 * t0));
  const Json& pc = rises["fleet"]["power_cap"];
  CHECK(pc["cap_w"].get<double>() == 6160.0);
  CHECK(pc["highest_cap_w"].get<double>() == 8400.0);
  CHECK(pc["held_plans"].get<long>() == 1);
  CHECK(pc["held_replica_s"].get<double>() == Approx(t0 / 2));
  CHECK(pc["time_at_cap_s"].get<double>() == Approx(t0 / 2));
  // Roomy, then low t0/4 after they arrive, while both plans run: they finish as they would.
  const Json falls = run_json("falls.yaml", with_cap(fmt::format(
      "{{schedule: [{{at: 0s, power: 8400W}}, {{at: {}s, power: 6160W}}]}}", arrival + t0 / 4)));
  CHECK(first_done(falls) == Approx(t0));
  CHECK(second_done(falls) == Approx(t0));
  CHECK(falls["fleet"]["power_cap"]["held_plans"].get<long>() == 0);
  // The fleet drew above the cap that fell, for the plans already running.
  CHECK(falls["fleet"]["power_cap"]["peak_power_w"].get<double>() > 6160.0);
  // A repeating schedule, every 20 s low in [0, t0/2) and [15 s, 20 s): low
  // from 55 s until t0/2 after the arrival at 60 s, when the fourth period
  // begins; the second plan waits t0/2 as in `rises`.
  const Json repeats = run_json("repeats.yaml", with_cap(fmt::format(
      "{{schedule: [{{at: 0s, power: 6160W}}, {{at: {}s, power: 8400W}}, {{at: 15s, power: 6160W}}], repeat: 20s}}",
      t0 / 2)));
  CHECK(second_done(repeats) == Approx(1.5 * t0));
  CHECK(repeats["fleet"]["power_cap"]["held_replica_s"].get<double>() == Approx(t0 / 2));
}

TEST_CASE("power_cap given as a map with response delay is the plain cap, byte for byte", "[power_cap]") {
  const std::string plain = run_fleetsim("run " + write_temp_file("plain.yaml", with_cap("6160W")) +
                                         " --format json --no-progress").out;
  REQUIRE_FALSE(plain.empty());
  CHECK(run_fleetsim("run " + write_temp_file("map.yaml", with_cap("{power: 6160W}")) + " --format json --no-progress").out ==
        plain);
  CHECK(run_fleetsim("run " + write_temp_file("delay.yaml", with_cap("{power: 6160W, response: delay}")) +
                     " --format json --no-progress")
            .out == plain);
}
