#include "fleetsim/core/time_series.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

namespace fleetsim {
namespace {

// A figure with no denominator (a pool without replicas or KV blocks) is NaN,
// which the writer prints as an empty cell, never as a made-up 0.
double ratio(double num, double den) { return den > 0.0 ? num / den : std::numeric_limits<double>::quiet_NaN(); }

}  // namespace

TimeSeries::TimeSeries(double start_s, double bin_s, std::vector<TimeSeriesPool> pools,
                       std::vector<std::string> workloads)
    : start_s_(start_s),
      bin_s_(bin_s),
      pool_info_(std::move(pools)),
      workload_names_(std::move(workloads)),
      pools_(pool_info_.size()),
      workloads_(workload_names_.size()) {
  for (std::size_t p = 0; p < pools_.size(); ++p) {
    pools_[p].last_s = start_s_;
    if (pool_info_[p].autoscaled) pools_[p].nodes = pool_info_[p].nodes;
  }
}

template <typename Bin>
Bin& TimeSeries::bin_at(std::vector<Bin>& bins, double t) const {
  const auto i = static_cast<std::size_t>((t - start_s_) / bin_s_);
  if (i >= bins.size()) bins.resize(i + 1);
  return bins[i];
}

template <typename F>
void TimeSeries::spread(std::vector<PoolBin>& bins, double t0, double t1, F&& f) const {
  double t = std::max(t0, start_s_);
  if (t1 <= t) return;
  auto i = static_cast<std::size_t>((t - start_s_) / bin_s_);
  while (t < t1) {
    const double bin_end = std::min(t1, start_s_ + bin_s_ * static_cast<double>(i + 1));
    if (bin_end > t) {  // rounding can put t on the far edge of bin i: nothing of it is in i
      if (i >= bins.size()) bins.resize(i + 1);
      f(bins[i], bin_end - t);
      t = bin_end;
    }
    ++i;
  }
}

void TimeSeries::busy(std::size_t pool, double t0, double t1, double energy_j) {
  if (!(t1 > t0)) return;
  const double rate_w = energy_j / (t1 - t0);
  spread(pools_[pool].bins, t0, t1, [rate_w](PoolBin& b, double dt) {
    b.energy_j += rate_w * dt;
    b.busy_s += dt;
  });
}

void TimeSeries::integrate_levels(PoolState& p, double now_s) const {
  if (now_s <= p.last_s) return;
  const auto waiting = static_cast<double>(p.waiting), running = static_cast<double>(p.running),
             kv = static_cast<double>(p.kv_blocks), nodes = static_cast<double>(p.nodes);
  // Only non-zero levels need the walk over bins; an idle pool costs nothing.
  if (waiting != 0.0 || running != 0.0 || kv != 0.0 || nodes != 0.0)
    spread(p.bins, p.last_s, now_s, [&](PoolBin& b, double dt) {
      b.waiting_s += waiting * dt;
      b.running_s += running * dt;
      b.kv_block_s += kv * dt;
      b.node_s += nodes * dt;
    });
  p.last_s = now_s;
}

void TimeSeries::levels(std::size_t pool, double now_s, long waiting, long running, long kv_blocks) {
  PoolState& p = pools_[pool];
  integrate_levels(p, now_s);
  p.waiting += waiting;
  p.running += running;
  p.kv_blocks += kv_blocks;
}

void TimeSeries::nodes_changed(std::size_t pool, double now_s, long delta) {
  PoolState& p = pools_[pool];
  integrate_levels(p, now_s);
  p.nodes += delta;
}

void TimeSeries::call_arrived(std::size_t pool, double t) {
  if (t >= start_s_) ++bin_at(pools_[pool].bins, t).arrivals;
}

void TimeSeries::call_finished(std::size_t pool, double t) {
  if (t >= start_s_) ++bin_at(pools_[pool].bins, t).completions;
}

void TimeSeries::session_started(std::size_t workload, double t) {
  if (t >= start_s_)
    ++bin_at(workloads_[workload].bins, t).started;
  else
    ++workloads_[workload].in_flight_at_start;
}

void TimeSeries::session_ended(std::size_t workload, double t) {
  if (t >= start_s_)
    ++bin_at(workloads_[workload].bins, t).finished;
  else
    --workloads_[workload].in_flight_at_start;
}

void TimeSeries::settle(double end_s) {
  for (PoolState& p : pools_) integrate_levels(p, end_s);
}

TimeSeriesTable TimeSeries::table(double end_s) const {
  TimeSeriesTable out;
  out.pools = pool_info_;
  out.workloads = workload_names_;
  // Bins that start before the end; the last is cut there.
  std::size_t n = 0;
  if (end_s > start_s_) {
    n = static_cast<std::size_t>(std::ceil((end_s - start_s_) / bin_s_));
    while (n > 1 && start_s_ + bin_s_ * static_cast<double>(n - 1) >= end_s) --n;
    n = std::max<std::size_t>(n, 1);
  }
  // What happened at the very end (or past it by rounding) belongs to the last bin.
  auto folded = [n](auto bins, auto add) {
    if (n == 0) return decltype(bins){};
    if (bins.size() < n) bins.resize(n);
    for (std::size_t i = n; i < bins.size(); ++i) add(bins[n - 1], bins[i]);
    return bins;
  };
  std::vector<std::vector<PoolBin>> pool_bins;
  for (const PoolState& p : pools_)
    pool_bins.push_back(folded(p.bins, [](PoolBin& into, const PoolBin& b) {
      into.energy_j += b.energy_j;
      into.busy_s += b.busy_s;
      into.waiting_s += b.waiting_s;
      into.running_s += b.running_s;
      into.kv_block_s += b.kv_block_s;
      into.node_s += b.node_s;
      into.arrivals += b.arrivals;
      into.completions += b.completions;
    }));
  std::vector<std::vector<WorkloadBin>> workload_bins;
  std::vector<std::int64_t> in_flight;
  for (const WorkloadState& w : workloads_) {
    workload_bins.push_back(folded(w.bins, [](WorkloadBin& into, const WorkloadBin& b) {
      into.started += b.started;
      into.finished += b.finished;
    }));
    in_flight.push_back(w.in_flight_at_start);
  }

  out.pool_rows.reserve(n * pools_.size());
  out.workload_rows.reserve(n * workloads_.size());
  for (std::size_t i = 0; i < n; ++i) {
    const double t0 = start_s_ + bin_s_ * static_cast<double>(i);
    const double t1 = i + 1 == n ? end_s : start_s_ + bin_s_ * static_cast<double>(i + 1);
    const double width = t1 - t0;
    for (std::size_t p = 0; p < pools_.size(); ++p) {
      const PoolBin& b = pool_bins[p][i];
      const TimeSeriesPool& info = pool_info_[p];
      PoolBinRow r;
      r.bin_start_s = t0;
      r.bin_end_s = t1;
      r.pool = p;
      if (info.autoscaled) {  // per-node figures times the nodes held in the bin
        const double nodes = b.node_s / width, per_node = info.nodes > 0 ? 1.0 / info.nodes : 0.0;
        r.nodes = nodes;
        r.power_w = nodes * info.baseline_w * per_node + ratio(b.energy_j, width);
        r.utilization = ratio(b.busy_s, static_cast<double>(info.replicas) * per_node * b.node_s);
        r.kv_occupancy_mean = ratio(b.kv_block_s, static_cast<double>(info.kv_blocks) * per_node * b.node_s);
      } else {
        r.nodes = info.nodes;
        r.power_w = info.baseline_w + ratio(b.energy_j, width);
        r.utilization = ratio(b.busy_s, static_cast<double>(info.replicas) * width);
        r.kv_occupancy_mean = ratio(b.kv_block_s, static_cast<double>(info.kv_blocks) * width);
      }
      r.queue_mean = ratio(b.waiting_s, width);
      r.running_mean = ratio(b.running_s, width);
      r.arrivals = b.arrivals;
      r.completions = b.completions;
      out.pool_rows.push_back(r);
    }
    for (std::size_t w = 0; w < workloads_.size(); ++w) {
      const WorkloadBin& b = workload_bins[w][i];
      in_flight[w] += b.started - b.finished;
      out.workload_rows.push_back({t0, t1, w, b.started, b.finished, in_flight[w]});
    }
  }
  return out;
}

}  // namespace fleetsim
