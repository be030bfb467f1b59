#include "fleetsim/workflows/capacity_report.hpp"


#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "fleetsim/io/report_text.hpp"
#include "fleetsim/io/json_numbers.hpp"

namespace fleetsim {
namespace {

using Json = nlohmann::ordered_json;
using json_numbers::number_or_null;
using report_text::sig;
using report_text::TextTable;

std::string yes_no(bool b) { return b ? "yes" : "no"; }

}  // namespace

std::string render_capacity_table(const CapacityOutcome& o) {
  const CapacityResult& r = o.result;
  std::string out = "Capacity of " + o.scenario + "\n";
  const std::string why = capacity_stop_reason(o.settings, r);
  if (const auto cap = r.capacity()) {
    out += "  " + traffic_factor_text(*cap) + " the scenario's traffic meets every SLO in a steady run";
    if (r.top)
      out += "; " + traffic_factor_text(r.probes[*r.top].scale) + " does not (" + o.missed[*r.top] + ")";
    out += "\n";
  }
  if (!why.empty()) out += "  " + why + "\n";
  if (const auto cap = r.capacity()) {
    TextTable rates({{"workload", TextTable::Align::left}, {"rate as written"}, {"rate at capacity"}});
    for (const CapacityWorkload& w : o.workloads) {
      if (!(w.rate_per_s > 0)) {
        rates.add_row({w.name, "its pattern", "its pattern " + traffic_factor_text(*cap)});
        continue;
      }
      rates.add_row({w.name, sig(w.rate_per_s, 4) + "/s", sig(w.rate_per_s * *cap, 4) + "/s"});
    }
    if (!o.workloads.empty()) out += "\n" + rates.render("  ");
  }
  TextTable probes({{"traffic"}, {"SLOs met"}, {"steady"}, {"worst SLO ratio"}, {"missed", TextTable::Align::left}});
  for (std::size_t i = 0; i < r.probes.size(); ++i) {
    const CapacityProbe& p = r.probes[i];
    const CandidateEvaluation& e = p.evaluation;
    if (!e.simulated) {
      probes.add_row({traffic_factor_text(p.scale), "-", "-", "-", "the run failed"});
      continue;
    }
    probes.add_row({traffic_factor_text(p.scale), yes_no(e.slos_met), yes_no(e.stable), sig(e.slo_pressure, 3), o.missed[i]});
  }
  out += "\nRuns, in the order made (" + std::to_string(r.probes.size()) + " in " + std::to_string(r.rounds) +
         " rounds; stop when the bracket is within " + sig(o.settings.precision * 100, 3) + "%):\n";
  out += probes.render("  ");
  return out;
}

std::string render_capacity_json(const CapacityOutcome& o) {
  const CapacityResult& r = o.result;
  Json j = Json::object();
  j["schema"] = "fleetsim.capacity/1";
  j["scenario"] = o.scenario;
  const auto cap = r.capacity();
  j["capacity_scale"] = cap ? Json(*cap) : Json(nullptr);
  j["failed_scale"] = r.top ? Json(r.probes[*r.top].scale) : Json(nullptr);
  const std::string why = capacity_stop_reason(o.settings, r);
  j["stop_reason"] = why.empty() ? Json(nullptr) : Json(why);
  Json settings = Json::object();
  settings["start"] = o.settings.start;
  settings["min_scale"] = o.settings.min_scale;
  settings["max_scale"] = o.settings.max_scale;
  settings["precision"] = o.settings.precision;
  settings["parallelism"] = o.settings.parallelism;
  j["settings"] = std::move(settings);
  Json workloads = Json::array();
  for (const CapacityWorkload& w : o.workloads) {
    Json e = Json::object();
    e["name"] = w.name;
    e["rate_per_s"] = w.rate_per_s > 0 ? Json(w.rate_per_s) : Json(nullptr);
    e["rate_per_s_at_capacity"] = w.rate_per_s > 0 && cap ? Json(w.rate_per_s * *cap) : Json(nullptr);
    workloads.push_back(std::move(e));
  }
  j["workloads"] = std::move(workloads);
  Json probes = Json::array();
  for (std::size_t i = 0; i < r.probes.size(); ++i) {
    const CapacityProbe& p = r.probes[i];
    Json e = Json::object();
    e["scale"] = p.scale;
    e["simulated"] = p.evaluation.simulated;
    e["slos_met"] = p.evaluation.slos_met;
    e["stable"] = p.evaluation.stable;
    e["feasible"] = p.evaluation.feasible;
    e["worst_slo_ratio"] = number_or_null(p.evaluation.slo_pressure);
    e["missed"] = p.evaluation.simulated ? Json(o.missed[i]) : Json(p.evaluation.note);
    probes.push_back(std::move(e));
  }
  j["probes"] = std::move(probes);
  return j.dump(2) + "\n";
}

}  // namespace fleetsim
