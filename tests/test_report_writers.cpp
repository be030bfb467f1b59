#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "fleetsim/io/report_writers.hpp"
#include "fleetsim/io/report_text.hpp"
#include "support/cli_runner.hpp"

using fleetsim::Report;
using fleetsim::ReportFormat;
using fleetsim::testing::contains;

namespace {

// Round figures chosen so that every formatted value below can be worked out by hand.
Report sample_report() {
  Report r;
  r.run.scenario = "agentic-mix";
  r.run.fleetsim_version = "0.1.0";
  r.run.seed = 18446744073709551557ULL;  // beyond 2^53: must survive exactly
  r.run.window_start_s = 600.0;
  r.run.window_end_s = 3600.0;
  r.run.simulated_end_s = 3712.4;
  r.run.engine_events = 1234567;
  r.run.pricing = "cloud";
  r.run.pue = 1.2;
  r.run.electricity_usd_per_kwh = 0.08;

  r.fleet.nodes = 3;
  r.fleet.total_cost_usd = 1234.5678;
  r.fleet.compute_cost_usd = 1200.0;
  r.fleet.energy_cost_usd = 34.5678;
  r.fleet.cost_per_session_usd = 0.0123;
  r.fleet.cost_per_llm_call_usd = 0.000456;
  r.fleet.cost_per_million_output_tokens_usd = 1.5;
  r.fleet.cost_per_million_tokens_usd = 0.25;
  r.fleet.it_energy_j = 360e6;        // 100 kWh
  r.fleet.facility_energy_j = 432e6;  // 120 kWh
  r.fleet.energy_per_session_j = 12345.0;
  r.fleet.output_tokens_per_joule = 0.75;
  r.fleet.mean_it_power_w = 45200.0;
  r.fleet.peak_it_power_w = 60100.0;
  r.fleet.mean_facility_power_w = 54240.0;
  r.fleet.sessions_per_s = 0.5;
  r.fleet.llm_calls_per_s = 12.5;
  r.fleet.output_tokens_per_s = 7890.0;

  fleetsim::PoolReport gpu;
  gpu.name = "gpu-main";
  gpu.hardware = "h100-p5.48xlarge";
  gpu.instance = "p5.48xlarge";
  gpu.kind = "gpu";
  gpu.models = "llama-3.1-8b, llama-3.1-70b";
  gpu.nodes = 2;
  gpu.replicas = 8;
  gpu.utilization = 0.723;
  gpu.mean_batch_size = 18.4;
  gpu.host_share = 0.04;
  gpu.kv_cache_occupancy = 0.64;
  gpu.queueing_delay_mean_s = 0.0123;
  gpu.queueing_delay_p95_s = 1.5;
  gpu.llm_calls = 30000;
  gpu.preemptions = 12;
  gpu.output_tokens = 2.0e7;
  gpu.mean_power_w = 18200.0;
  gpu.peak_power_w = 22400.0;
  gpu.energy_j = 54.612e6;  // 15.17 kWh
  gpu.compute_cost_usd = 220.16;
  gpu.energy_cost_usd = 1.5;
  gpu.cost_usd = 221.66;
  fleetsim::PoolReport cpu = gpu;
  cpu.name = "cpu, \"spare\"";  // a name that needs CSV quoting
  cpu.kind = "cpu";
  cpu.models = "llama-3.1-8b";
  r.pools = {gpu, cpu};

  fleetsim::WorkloadReport w;
  w.name = "coding-agent";
  w.sessions_started = 1300;
  w.sessions_completed = 1234;
  w.sessions_in_flight = 12;
  w.llm_calls = 12345;
  w.llm_calls_failed = 3;
  w.tool_calls = 23456;
  w.prompt_tokens = 45.6e6;
  w.prefill_tokens = 12.3e6;
  w.output_tokens = 3.4e6;
  w.prefix_cache_hit_rate = 0.73;
  w.ttft_s = {12345, 0.234, 0.2, 0.5, 0.8, 1.234, 3.0, {}};
  w.tpot_s = {12345, 0.0123, 0.011, 0.02, 0.025, 0.04, 0.1, {}};
  w.call_latency_s = {12345, 2.5, 2.0, 4.0, 5.0, 8.0, 20.0, {}};
  w.session_latency_s = {1234, 140.0, 120.0, 200.0, 250.0, 400.0, 900.0, {}};
  w.slos = {{"ttft", 95, 2.0, 1.234, 0.971, true},
            {"tpot", 95, 0.05, 0.00726, 1.0, true},
            {"session", 99, 300.0, 400.0, 0.96, false}};
  w.slos_met = false;
  w.goodput_sessions_per_s = 0.3702;  // 90% of 1234 sessions / 3000 s
  w.cost_usd = 15.1782;
  w.cost_per_session_usd = 0.0123;
  r.workloads = {w};

  r.little_law = {12.34, 0.41, 30.0, 0.0032};
  return r;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Minimal RFC 4180 reader for one line (the writer never emits line breaks in fields).
std::vector<std::string> csv_fields(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  return fields;
}

// The table pads labels to a column; tests should not depend on its width.
bool has_line(const std::string& text, const std::string& label, const std::string& value) {
  for (const auto& line : lines_of(text)) {
    const auto at = line.find(label);
    if (at != std::string::npos && line.find(value, at + label.size()) != std::string::npos)
      return true;
  }
  return false;
}

}  // namespace

TEST_CASE("JSON report has the documented schema and exact values", "[report][json]") {
  const std::string text = fleetsim::render_json(sample_report());
  REQUIRE(text.back() == '\n');
  const auto j = nlohmann::json::parse(text);

  CHECK(j["schema"] == "fleetsim.report/1");
  CHECK(j["run"]["scenario"] == "agentic-mix");
  CHECK(j["run"]["seed"].get<std::uint64_t>() == 18446744073709551557ULL);
  CHECK(j["run"]["window_end_s"].get<double>() == 3600.0);
  CHECK(j["run"]["engine_events"].get<std::int64_t>() == 1234567);
  CHECK(j["fleet"]["total_cost_usd"].get<double>() == 1234.5678);
  CHECK(j["fleet"]["cost_per_session_usd"].get<double>() == 0.0123);
  CHECK(j["fleet"]["facility_energy_j"].get<double>() == 432e6);
  CHECK(j["fleet"]["mean_it_power_w"].get<double>() == 45200.0);

  REQUIRE(j["pools"].size() == 2);
  CHECK(j["pools"][0]["name"] == "gpu-main");
  CHECK(j["pools"][0]["models"] == nlohmann::json::array({"llama-3.1-8b", "llama-3.1-70b"}));
  CHECK(j["pools"][0]["utilization"].get<double>() == 0.723);
  CHECK(j["pools"][0]["queueing_delay_p95_s"].get<double>() == 1.5);
  CHECK(j["pools"][0]["mean_power_w"].get<double>() == 18200.0);
  CHECK(j["pools"][0]["energy_j"].get<double>() == 54.612e6);
  CHECK(j["pools"][1]["name"] == "cpu, \"spare\"");

  REQUIRE(j["workloads"].size() == 1);
  const auto& w = j["workloads"][0];
  CHECK(w["sessions_completed"].get<std::int64_t>() == 1234);
  CHECK(w["llm_calls_failed"].get<std::int64_t>() == 3);
  CHECK(w["ttft_s"]["count"].get<std::uint64_t>() == 12345);
  CHECK(w["ttft_s"]["p95"].get<double>() == 0.8);
  CHECK(w["session_latency_s"]["max"].get<double>() == 900.0);
  REQUIRE(w["slos"].size() == 3);
  CHECK(w["slos"][0]["metric"] == "ttft");
  CHECK(w["slos"][0]["percentile"].get<double>() == 95.0);
  CHECK(w["slos"][0]["met"] == true);
  CHECK(w["slos"][2]["met"] == false);
  CHECK(w["slos_met"] == false);
  CHECK(w["goodput_sessions_per_s"].get<double>() == 0.3702);
  CHECK(w["cost_per_session_usd"].get<double>() == 0.0123);

  CHECK(j["checks"]["little_law"]["relative_error"].get<double>() == 0.0032);
}

TEST_CASE("JSON keys appear in a fixed order", "[report][json]") {
  const auto j = nlohmann::ordered_json::parse(fleetsim::render_json(sample_report()));
  std::vector<std::string> top;
  for (const auto& [key, value] : j.items()) top.push_back(key);
  CHECK(top == std::vector<std::string>{"schema", "run", "fleet", "pools", "workloads", "checks"});
  CHECK(j["fleet"].begin().key() == "nodes");
  CHECK(j["pools"][0].begin().key() == "name");
}

TEST_CASE("Identical reports render to identical bytes", "[report]") {
  const Report a = sample_report();
  const Report b = sample_report();
  for (ReportFormat f : {ReportFormat::table, ReportFormat::json, ReportFormat::csv})
    CHECK(fleetsim::render_report(a, f) == fleetsim::render_report(b, f));
  CHECK(fleetsim::render_report(a, ReportFormat::json) == fleetsim::render_json(a));
  CHECK(fleetsim::render_report(a, ReportFormat::csv) == fleetsim::render_csv(a));
  CHECK(fleetsim::render_report(a, ReportFormat::table) == fleetsim::render_table(a));
}

TEST_CASE("Non-finite numbers become null in JSON and empty in CSV", "[report]") {
  Report r = sample_report();
  r.fleet.cost_per_session_usd = std::numeric_limits<double>::quiet_NaN();
  r.fleet.output_tokens_per_joule = std::numeric_limits<double>::infinity();
  r.workloads[0].ttft_s.p99 = -std::numeric_limits<double>::infinity();

  const auto j = nlohmann::json::parse(fleetsim::render_json(r));
  CHECK(j["fleet"]["cost_per_session_usd"].is_null());
  CHECK(j["fleet"]["output_tokens_per_joule"].is_null());
  CHECK(j["workloads"][0]["ttft_s"]["p99"].is_null());
  CHECK(j["fleet"]["total_cost_usd"].is_number());

  const std::string csv = fleetsim::render_csv(r);
  CHECK(contains(csv, "\nfleet,fleet,cost_per_session_usd,,USD/session\n"));
  CHECK(contains(csv, "\nworkload,coding-agent,ttft_s.p99,,s\n"));
  CHECK_FALSE(contains(csv, "nan"));
  CHECK_FALSE(contains(csv, "inf"));

  const std::string table = fleetsim::render_table(r);
  CHECK(has_line(table, "per session", "n/a"));
}

TEST_CASE("CSV is tidy: one figure per row, quoted names, parseable values", "[report][csv]") {
  const std::string csv = fleetsim::render_csv(sample_report());
  const auto lines = lines_of(csv);
  REQUIRE(!lines.empty());
  CHECK(lines[0] == "scope,name,metric,value,unit");
  REQUIRE(csv.back() == '\n');

  // run 8 numbers, fleet 23, each pool 24 (carbon 5 of them), the workload
  // 16 + 4 latency x 7, each SLO 4, Little's law 4, stability 1 (no findings).
  const std::size_t expected = 1 + 8 + 23 + 2 * 24 + (16 + 28) + 3 * 4 + 4 + 1;
  CHECK(lines.size() == expected);

  for (std::size_t i = 1; i < lines.size(); ++i) {
    const auto f = csv_fields(lines[i]);
    INFO(lines[i]);
    REQUIRE(f.size() == 5);
    CHECK(!f[4].empty());  // every figure has a unit
    char* end = nullptr;
    std::strtod(f[3].c_str(), &end);
    CHECK((!f[3].empty() && *end == '\0'));
  }

  CHECK(contains(csv, "\nrun,agentic-mix,seed,18446744073709551557,id\n"));
  CHECK(contains(csv, "\nfleet,fleet,total_cost_usd,1234.5678,USD\n"));
  CHECK(contains(csv, "\npool,gpu-main,utilization,0.723,fraction\n"));
  CHECK(contains(csv, "\npool,\"cpu, \"\"spare\"\"\",nodes,2,count\n"));
  CHECK(contains(csv, "\nworkload,coding-agent,ttft_s.p95,0.8,s\n"));
  CHECK(contains(csv, "\nworkload,coding-agent,slos_met,0,bool\n"));
  CHECK(contains(csv, "\nslo,coding-agent,ttft_p95.observed_s,1.234,s\n"));
  CHECK(contains(csv, "\nslo,coding-agent,session_p99.met,0,bool\n"));
  CHECK(contains(csv, "\ncheck,little_law,relative_error,0.0032,fraction\n"));

  bool saw_quoted = false;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const auto f = csv_fields(lines[i]);
    if (f[1] == "cpu, \"spare\"") saw_quoted = true;
  }
  CHECK(saw_quoted);
}

TEST_CASE("CSV prints doubles with ten significant digits", "[report][csv]") {
  Report r = sample_report();
  r.fleet.total_cost_usd = 1.0 / 3.0;
  r.fleet.it_energy_j = 1.5e20;
  const std::string csv = fleetsim::render_csv(r);
  CHECK(contains(csv, "\nfleet,fleet,total_cost_usd,0.3333333333,USD\n"));
  CHECK(contains(csv, "\nfleet,fleet,it_energy_j,1.5e+20,J\n"));
}

TEST_CASE("Table shows readable, rounded figures", "[report][table]") {
  const std::string t = fleetsim::render_table(sample_report());
  INFO(t);
  CHECK(contains(t, "fleetsim report: agentic-mix"));
  CHECK(has_line(t, "seed", "18446744073709551557"));
  CHECK(contains(t, "600.0 s .. 3,600.0 s (3,000.0 s); run ended at 3,712.4 s"));
  CHECK(contains(t, "1,234,567"));
  CHECK(contains(t, "$1,234.57 (compute $1,200.00, energy $34.57)"));
  CHECK(has_line(t, "per session", "$0.0123"));
  CHECK(has_line(t, "per LLM call", "$0.000456"));
  CHECK(has_line(t, "per 1M output tokens", "$1.50"));
  CHECK(contains(t, "45.2 kW IT, 54.2 kW facility"));
  CHECK(contains(t, "100 kWh IT, 120 kWh facility"));
  CHECK(contains(t, "12.3 kJ facility"));
  CHECK(contains(t, "7.89k output tokens/s"));

  // Pools table: utilization, queueing delays in ms and s, kW, kWh, dollars.
  CHECK(contains(t, "72.3%"));
  CHECK(contains(t, "12.3 ms"));
  CHECK(contains(t, "1.50 s"));
  CHECK(contains(t, "18.20"));
  CHECK(contains(t, "15.17"));
  CHECK(contains(t, "221.66"));

  CHECK(contains(t, "1,234 completed, 1,300 started, 12 in flight at end"));
  CHECK(contains(t, "12,345 LLM (3 failed: too large for a replica's KV cache), 23,456 tool"));
  CHECK(contains(t, "45.6M in (12.3M computed), 3.40M out"));
  CHECK(contains(t, "73.0% of prompt tokens"));
  CHECK(contains(t, "ttft p95 <= 2.000 s: observed 1.234 s, attainment 97.1% MET"));
  CHECK(contains(t, "session p99 <= 300.000 s: observed 400.000 s, attainment 96.0% MISSED"));
  CHECK(contains(t, "1 of 3 missed"));
  CHECK(contains(t, "tpot p95 <= 0.0500 s: observed 0.00726 s, attainment 100.0% MET"));
  CHECK(contains(t, "0.370 sessions/s met every SLO (90.0% of completed)"));
  CHECK(contains(t, "$15.18 by device time used; $0.0123 per session"));
  CHECK(contains(t, "Little's law"));
  CHECK(contains(t, "relative error 0.3%"));

  // No trailing spaces, no tabs, no escape codes.
  for (const auto& line : lines_of(t)) {
    INFO(line);
    CHECK((line.empty() || line.back() != ' '));
    CHECK(line.find('\t') == std::string::npos);
    CHECK(line.find('\x1b') == std::string::npos);
  }
}

TEST_CASE("Table columns line up", "[report][table]") {
  const auto lines = lines_of(fleetsim::render_table(sample_report()));
  // The latency table: the header and every row end at the same column.
  std::size_t header = 0;
  while (header < lines.size() && lines[header].rfind("  latency", 0) != 0) ++header;
  REQUIRE(header + 5 < lines.size());
  for (std::size_t i = header + 1; i <= header + 5; ++i)
    CHECK(lines[i].size() == lines[header].size());
  CHECK(lines[header + 2].rfind("  TTFT", 0) == 0);
  CHECK(contains(lines[header + 2], "234 ms"));
  CHECK(contains(lines[header + 5], "140 s"));
}

TEST_CASE("Empty report still renders in every format", "[report]") {
  const Report empty;
  CHECK(contains(fleetsim::render_table(empty), "(none)"));
  const auto j = nlohmann::json::parse(fleetsim::render_json(empty));
  CHECK(j["pools"].is_array());
  CHECK(j["pools"].empty());
  CHECK(j["workloads"].empty());
  CHECK(lines_of(fleetsim::render_csv(empty)).size() == 1 + 8 + 23 + 4 + 1);
}

TEST_CASE("Human units round and switch unit at the right places", "[report][table]") {
  namespace text = fleetsim::report_text;
  CHECK(text::usd(0.0123) == "$0.0123");
  CHECK(text::usd(0.000456) == "$0.000456");
  CHECK(text::usd(0.99971) == "$1.00");
  CHECK(text::usd(1234.5678) == "$1,234.57");
  CHECK(text::usd(0.0) == "$0.00");
  CHECK(text::usd(-2.5) == "-$2.50");
  CHECK(text::usd(std::nan("")) == "n/a");

  CHECK(text::duration(0.00085) == "850 us");
  CHECK(text::duration(0.0123) == "12.3 ms");
  CHECK(text::duration(0.9997) == "1.00 s");  // not "1,000 ms"
  CHECK(text::duration(3600.0) == "3,600 s");
  CHECK(text::duration(0.0) == "0 s");

  CHECK(text::power(950.0) == "950 W");
  CHECK(text::power(45200.0) == "45.2 kW");
  CHECK(text::energy_kwh(3.6e6) == "1.00 kWh");
  CHECK(text::energy_kwh(7.2e9) == "2.00 MWh");
  CHECK(text::energy_j(12345.0) == "12.3 kJ");
  CHECK(text::compact(45.6e6) == "45.6M");
  CHECK(text::compact(512.0) == "512");
  CHECK(text::percent(0.971) == "97.1%");
  CHECK(text::sig(9.996) == "10.0");
  CHECK(text::grouped(-0.001, 2) == "0.00");
  CHECK(text::count(-1234567) == "-1,234,567");
  CHECK(text::count(std::numeric_limits<std::int64_t>::min()) == "-9,223,372,036,854,775,808");
}

TEST_CASE("Text tables align by code points, not bytes", "[report][table]") {
  using fleetsim::report_text::TextTable;
  TextTable t({{"name", TextTable::Align::left}, {"value"}});
  t.add_row({"caf\xc3\xa9", "1"});
  t.add_row({"plain", "22"});
  const auto lines = lines_of(t.render(""));
  REQUIRE(lines.size() == 4);
  CHECK(lines[2] == "caf\xc3\xa9       1");
  CHECK(lines[3] == "plain     22");
  CHECK_THROWS_AS(t.add_row({"a", "b", "c"}), std::invalid_argument);
}
