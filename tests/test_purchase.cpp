// Purchase options (purchase.hpp, docs/performance-model.md section 6):
// annuities, a pool bought as a reserved base with on-demand burst, owned
// nodes paying their energy, and the fleet priced per option side by side,
// each checked against arithmetic done by hand.
#include <catch2/catch.hpp>

#include "fleetsim/core/fleet_model.hpp"
#include "fleetsim/core/purchase.hpp"
#include "fleetsim/core/purchase_comparison.hpp"
#include "fleetsim/core/report_builder.hpp"
#include "support/toy_fleet.hpp"

using namespace fleetsim;
using namespace fleetsim::testing;

namespace {

PurchaseOption hourly(const std::string& name, double price) {
  PurchaseOption o;
  o.name = name;
  o.price_per_hour_usd = price;
  return o;
}

PurchaseOption owned(double capital, double years, double rate) {
  PurchaseOption o;
  o.name = "owned";
  o.kind = PurchaseOption::Kind::owned;
  o.capital_usd = capital;
  o.life_years = years;
  o.interest_rate = rate;
  return o;
}

}  // namespace

TEST_CASE("An owned node repays its capital as an annuity over its life", "[purchase]") {
  // 1.07^5 = 1.402551730700; 0.07 / (1 - 1 / 1.4025517307) = 0.243890694;
  // x 270,000 = 65,850.49 per year; / 8,766 hours = 7.51203 per hour.
  CHECK(annuity_per_year(270000, 5, 0.07) == Approx(65850.49).epsilon(1e-6));
  CHECK(owned(270000, 5, 0.07).hourly_price_usd() == Approx(65850.49 / 8766).epsilon(1e-6));
  // No interest: straight-line, 100,000 / 4 years.
  CHECK(annuity_per_year(100000, 4, 0.0) == 25000.0);
  CHECK(owned(100000, 4, 0.0).hourly_price_usd() == Approx(25000.0 / 8766));
  CHECK(owned(100000, 4, 0.0).pays_energy());
  // Hosting, network and staff per node-hour come on top of the annuity.
  PurchaseOption hosted = owned(100000, 4, 0.0);
  hosted.operating_per_hour_usd = 2.0;
  CHECK(hosted.hourly_price_usd() == Approx(25000.0 / 8766 + 2.0));
  CHECK_FALSE(hourly("spot", 1.0).pays_energy());
}

TEST_CASE("A pool buys a reserved base and the rest on demand", "[purchase]") {
  const std::vector<PurchaseOption> options = {hourly("reserved_3y", 30.0), owned(87660, 1, 0.0)};
  PoolPurchase mix;
  mix.base = "reserved_3y";
  mix.base_nodes = 4;
  mix.burst = kOnDemand;
  // 4 x 30 + 6 x 50 = 420 USD/h; nothing owned.
  PurchaseSplit split = price_pool(mix, 10, 50.0, options);
  CHECK(split.price_per_hour_usd == 420.0);
  CHECK(split.energy_paid_share == 0.0);
  CHECK(describe(mix, 10) == "reserved_3y x 4 + on_demand x 6");

  // An owned base of 4 (87,660 / 8,766 = 10 USD/h each) pays 4/10 of the energy.
  mix.base = "owned";
  split = price_pool(mix, 10, 50.0, options);
  CHECK(split.price_per_hour_usd == Approx(4 * 10.0 + 6 * 50.0));
  CHECK(split.energy_paid_share == Approx(0.4));

  // A base as large as the pool is the plain option; one larger is capped.
  mix.base_nodes = 12;
  CHECK(price_pool(mix, 10, 50.0, options).price_per_hour_usd == Approx(100.0));
  CHECK(describe(mix, 10) == "owned");
  CHECK(describe(PoolPurchase{}, 3) == "on_demand");
  CHECK(price_pool(PoolPurchase{}, 3, 50.0, options).price_per_hour_usd == 150.0);
}

TEST_CASE("The report prices a pool as bought and the fleet under each option", "[purchase][report_builder]") {
  // The toy node: 3.60 USD/h on demand; a reservation at 1.80; owned at
  // 8,766 USD over one year without interest, 1.00 USD/h plus its energy.
  Scenario sc = toy_scenario(1, 2, {toy_llm(100, 10)});
  sc.pools[0].hardware.purchase_options = {hourly("reserved_1y", 1.8), owned(8766, 1, 0.0)};
  sc.pools[0].purchase.base = sc.pools[0].purchase.burst = "reserved_1y";
  sc.costs.pue = 1.5;
  sc.costs.electricity_usd_per_kwh = 0.1;
  constexpr double window = 1000.0;
  FleetModel fleet{sc};
  ToyDriver driver(fleet);
  driver.arrive(0.0, 0);
  driver.arrive(0.0, 0);
  driver.run();
  fleet.settle(window);
  RunTotals totals;
  totals.window_end_s = totals.simulated_end_s = window;
  totals.pool_baseline_energy_j = {400.0 * window};
  const Report rep = build_report(fleet, totals);

  REQUIRE(rep.pools.size() == 1);
  const PoolReport& p = rep.pools[0];
  const double hours = window / 3600.0;
  CHECK(p.purchase == "reserved_1y");
  CHECK(p.compute_cost_usd == exactly(1.8 * hours));
  CHECK(p.cost_usd == exactly(1.8 * hours));  // cloud pricing: energy inside the rate
  const double energy_usd = p.energy_cost_usd;
  CHECK(energy_usd == exactly(p.energy_j * 1.5 / 3.6e6 * 0.1));

  REQUIRE(rep.purchase_options.size() == 3);
  CHECK(rep.purchase_options[0].option == "on_demand");
  CHECK(rep.purchase_options[0].cost_usd == exactly(3.6 * hours));
  CHECK(rep.purchase_options[1].option == "reserved_1y");
  CHECK(rep.purchase_options[1].cost_usd == exactly(1.8 * hours));
  CHECK(rep.purchase_options[2].option == "owned");
  CHECK(rep.purchase_options[2].cost_usd == exactly(1.0 * hours + energy_usd));
  CHECK(rep.purchase_options[2].cost_per_session_usd == exactly((1.0 * hours + energy_usd) / 2));
  CHECK(rep.purchase_options[2].pools_on_demand.empty());
  CHECK(rep.fleet.total_cost_usd == exactly(1.8 * hours));
}

TEST_CASE("A fleet whose node types list no options gets no side-by-side table", "[purchase]") {
  Scenario sc = toy_scenario(1, 2, {toy_llm(100, 10)});
  Report rep;
  rep.pools.resize(1);
  CHECK(compare_purchase_options(sc, rep, PricingWindow{0.0, 3600.0, 1.0, {}}).empty());
}
