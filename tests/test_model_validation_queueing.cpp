// The engine against queueing theory, with the scenarios of the validation
// suite (validation/queueing-single-replica.yaml): one replica whose every
// iteration takes 1 ms, so a call's service time is its output length in ms.
// Theory is computed here from the service-time distribution, independently
// of the numbers written in validation/cases.yaml.
//
// Sample size: 800,000 s of Poisson arrivals at 0.5/s after warm-up, about
// 400,000 calls (M/D/1, M/M/1), and 159,000 s at 2.8/s, about 445,000 calls
// (M/M/4). The relative standard error of the mean wait of M/M/1 at rho 0.5
// over 400,000 customers is about 0.85%; the bound is 2%.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include <nlohmann/json.hpp>

#include "support/cli_runner.hpp"

using fleetsim::testing::run_fleetsim;
using nlohmann::json;

namespace {

const std::string kQueueingScenario = std::string(FLEETSIM_SOURCE_DIR) + "/validation/queueing-single-replica.yaml";

json run_variant(const std::string& variant) {
  const auto r = run_fleetsim("run '" + kQueueingScenario + "'" + (variant.empty() ? "" : " --variant " + variant) +
                              " --format json --no-progress");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return json::parse(r.out);
}

// First two moments (in seconds) of the service time n x 1 ms, where n is an
// exponential draw with this mean rounded to a whole number, at least 1 (how
// fleetsim draws token counts).
void rounded_exponential_moments(double mean_tokens, double& m1, double& m2) {
  auto p = [&](double a, double b) { return std::exp(-a / mean_tokens) - std::exp(-b / mean_tokens); };
  double e1 = p(0.0, 1.5), e2 = p(0.0, 1.5);
  for (long k = 2; k < 60 * static_cast<long>(mean_tokens); ++k) {
    const double pk = p(k - 0.5, k + 0.5);
    e1 += static_cast<double>(k) * pk;
    e2 += static_cast<double>(k) * static_cast<double>(k) * pk;
  }
  m1 = e1 * 1e-3;
  m2 = e2 * 1e-6;
}

// Probability that an arrival waits in M/M/c with offered load a = lambda E[S].
double erlang_c(int c, double a) {
  double sum = 0.0, term = 1.0;
  for (int k = 0; k < c; ++k) {
    if (k > 0) term *= a / k;
    sum += term;
  }
  const double last = term * a / c * c / (c - a);
  return last / (sum + last);
}

double mean_wait(const json& report) { return report["pools"][0]["queueing_delay_mean_s"].get<double>(); }
double arrival_rate(const json& report) { return report["checks"]["little_law"]["arrival_rate_per_s"].get<double>(); }

}  // namespace

TEST_CASE("Batch cap 1, fixed 1,000-token calls: M/D/1 mean wait within 2%", "[validation][queueing]") {
  const json r = run_variant("");
  const double lambda = arrival_rate(r), s = 1.0;
  const double rho = lambda * s;
  const double theory = rho * s / (2.0 * (1.0 - rho));
  INFO("lambda " << lambda << " wait " << mean_wait(r) << " theory " << theory);
  CHECK(r["workloads"][0]["llm_calls"].get<double>() > 390000);
  CHECK(r["workloads"][0]["call_latency_s"]["mean"].get<double>() - mean_wait(r) == Approx(s).epsilon(0.001));
  CHECK(mean_wait(r) == Approx(theory).epsilon(0.02));
}

TEST_CASE("Batch cap 1, exponential output lengths: M/M/1 (Pollaczek-Khinchine) within 2%", "[validation][queueing]") {
  const json r = run_variant("mm1");
  double s1 = 0.0, s2 = 0.0;
  rounded_exponential_moments(1000.0, s1, s2);
  const double lambda = arrival_rate(r);
  const double theory = lambda * s2 / (2.0 * (1.0 - lambda * s1));
  INFO("lambda " << lambda << " E[S] " << s1 << " wait " << mean_wait(r) << " theory " << theory);
  CHECK(s2 / (s1 * s1) == Approx(2.0).epsilon(0.001));  // exponential to 0.1%
  CHECK(r["workloads"][0]["llm_calls"].get<double>() > 390000);
  CHECK(mean_wait(r) == Approx(theory).epsilon(0.02));
  CHECK(r["checks"]["little_law"]["relative_error"].get<double>() < 0.01);
}

// Four batch slots of one replica whose iteration time does not depend on the
// batch are four servers fed by one FIFO queue: M/M/4. (This test caught a
// regression in which a decode run planned behind a prompt iteration could not
// be interrupted, doubling the mean wait.)
TEST_CASE("Batch cap 4, exponential output lengths: M/M/4 (Erlang C) within 2%", "[validation][queueing]") {
  const json r = run_variant("mm4");
  double s1 = 0.0, s2 = 0.0;
  rounded_exponential_moments(1000.0, s1, s2);
  const double lambda = arrival_rate(r);
  const int c = 4;
  const double a = lambda * s1;
  const double theory = erlang_c(c, a) * s1 / (c - a);
  INFO("lambda " << lambda << " a " << a << " wait " << mean_wait(r) << " theory " << theory);
  CHECK(erlang_c(4, 2.8) == Approx(0.42865).epsilon(0.0001));
  CHECK(r["workloads"][0]["llm_calls"].get<double>() > 440000);
  CHECK(mean_wait(r) == Approx(theory).epsilon(0.02));
}
