// A sweep's results: one row per point, as JSON lines (the shard format that
// `fleetsim merge` joins), CSV, and a terminal summary.
//
// A JSON line holds everything needed to rebuild the CSV, so the CSV merged
// from shards is byte-identical to the one an unsharded sweep writes:
//
//   {"schema": "fleetsim.sweep/1", "sweep_id": "...", "scenario": "...",
//    "points": 100, "replications": 3, "point": 7,
//    "parameters": {"fleet.pools.cpu.count": "80"}, "seeds": [7, 8, 9],
//    "status": "ok", "error": "",
//    "figures": {"fleet.cost_per_session_usd": {"mean": ..., "ci95": ..., "n": 3}, ...}}
//
// `ci95` is the half-width of the 95% confidence interval of the mean
// (Student t over the replications); null with one replication.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "fleetsim/workflows/replication_stats.hpp"

namespace fleetsim {

inline constexpr const char* kSweepSchema = "fleetsim.sweep/1";

struct SweepFigure {
  std::string path;  // a key figure (report_figures.hpp)
  MeanInterval stats;
};

struct SweepRow {
  std::size_t point = 0;
  std::vector<std::pair<std::string, std::string>> parameters;
  std::vector<std::uint64_t> seeds;
  std::string error;  // empty when every replication ran
  std::vector<SweepFigure> figures;
  bool ok() const { return error.empty(); }
};

// What every row of one sweep shares.
struct SweepHeader {
  std::string sweep_id;
  std::string scenario;
  std::size_t points = 0;  // in the whole sweep, every shard included
  int replications = 1;
};

// Summarizes the replications of one point: the key figures of each report
// (`null` where a report has none) into mean and interval.
std::vector<SweepFigure> summarize_replications(const std::vector<std::vector<std::pair<std::string, std::optional<double>>>>& replications);

std::string sweep_jsonl_line(const SweepHeader& header, const SweepRow& row);

// One line back; nullopt with `error` set when it is not a sweep row.
std::optional<std::pair<SweepHeader, SweepRow>> parse_sweep_jsonl_line(const std::string& line, std::string& error);

// Header: point, each parameter, seed, status, every figure (with a
// FIGURE.ci95 column after it when there are replications), error. Rows in
// point order; figures in order of first appearance.
std::string sweep_csv(const std::vector<SweepRow>& rows, int replications);

// A few headline figures per point, for the terminal.
std::string sweep_summary_table(const std::vector<SweepRow>& rows, int replications);

// One self-contained HTML page (inline SVG, as `run --format html`): a chart
// per headline figure against the swept parameter (when one numeric
// parameter is swept; the point numbers otherwise), with the 95% interval
// of the mean as two more lines when points have replications, then the
// summary table (src/workflows/sweep_html.cpp).
std::string render_sweep_html(const SweepHeader& header, const std::vector<SweepRow>& rows, int replications);

// Joins the rows of shard files (name, content). Checks that they belong to
// one sweep (same id, size and replications) and that every point appears
// exactly once; otherwise `errors` says which file and point are wrong.
struct MergedSweep {
  SweepHeader header;
  std::vector<SweepRow> rows;  // in point order
  std::vector<std::string> errors;
  bool ok() const { return errors.empty(); }
};
MergedSweep merge_sweep_shards(const std::vector<std::pair<std::string, std::string>>& files);

}  // namespace fleetsim
