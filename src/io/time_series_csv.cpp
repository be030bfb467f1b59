// The time series as one wide CSV: a pool row and a workload row share the
// bin columns and leave the other scope's columns empty, so one file (one
// atomic write) holds the whole run and a data frame splits it by `scope`.
#include <cmath>
#include <string>

#include <fmt/format.h>

#include "fleetsim/io/csv_field.hpp"
#include "fleetsim/io/time_series_writer.hpp"

namespace fleetsim {
namespace {

constexpr const char* kHeader =
    "bin_start_s,bin_end_s,scope,name,nodes,power_w,utilization,queue_mean,running_mean,kv_occupancy_mean,"
    "arrivals,completions,sessions_started,sessions_finished,sessions_in_flight\n";

// Fixed decimals rather than the shortest form: a column reads evenly and the
// bytes depend only on the value's first digits. Times to the microsecond,
// power to the milliwatt, fractions and means to 1e-6; an undefined figure
// (no replicas, no KV blocks) is an empty cell.
std::string fixed(double x, int decimals) {
  if (!std::isfinite(x)) return "";
  std::string s = fmt::format("{:.{}f}", x, decimals);
  if (s.starts_with('-') && s.find_first_not_of("-0.") == std::string::npos) s.erase(0, 1);  // no "-0.000"
  return s;
}

std::string bin_columns(double start_s, double end_s) { return fixed(start_s, 6) + "," + fixed(end_s, 6); }

}  // namespace

std::string render_time_series_csv(const TimeSeriesTable& table) {
  std::string out = kHeader;
  std::size_t w = 0;
  // Bin by bin: the pools' rows of a bin, then its workloads' rows.
  for (std::size_t p = 0; p < table.pool_rows.size() || w < table.workload_rows.size();) {
    const double bin = p < table.pool_rows.size() ? table.pool_rows[p].bin_start_s : table.workload_rows[w].bin_start_s;
    for (; p < table.pool_rows.size() && table.pool_rows[p].bin_start_s == bin; ++p) {
      const PoolBinRow& r = table.pool_rows[p];
      const TimeSeriesPool& info = table.pools[r.pool];
      out += fmt::format("{},pool,{},{},{},{},{},{},{},{},{},,,\n", bin_columns(r.bin_start_s, r.bin_end_s),
                         csv_field(info.name),
                         // an autoscaled pool's nodes are a time mean over the bin
                         info.autoscaled ? fixed(r.nodes, 3) : std::to_string(info.nodes), fixed(r.power_w, 3), fixed(r.utilization, 6),
                         fixed(r.queue_mean, 6), fixed(r.running_mean, 6), fixed(r.kv_occupancy_mean, 6), r.arrivals,
                         r.completions);
    }
    for (; w < table.workload_rows.size() && table.workload_rows[w].bin_start_s == bin; ++w) {
      const WorkloadBinRow& r = table.workload_rows[w];
      out += fmt::format("{},workload,{},,,,,,,,,{},{},{}\n", bin_columns(r.bin_start_s, r.bin_end_s),
                         csv_field(table.workloads[r.workload]), r.sessions_started, r.sessions_finished,
                         r.sessions_in_flight);
    }
  }
  return out;
}

}  // namespace fleetsim
