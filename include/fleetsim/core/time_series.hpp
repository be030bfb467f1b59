// A run's time series (`fleetsim run --timeseries`): per pool and per
// workload, what happened in each bin of the measured window, so that a
// planner sees when a fleet saturates or idles instead of only its means.
//
// The recorder integrates at the points where the state already changes:
// a replica reports each busy interval it accounts (with its energy above
// idle, the same figure the report's energy sums), and its waiting calls,
// running sequences and KV blocks whenever a plan, a completion or a new call
// changes them; the recorder integrates those piecewise-constant levels over
// time rather than sampling them. Nothing here runs when no series is asked
// for: the fleet model and the replicas hold a null pointer then.
//
// Bins are half-open, [start + i * bin, start + (i + 1) * bin), from the
// start of the measured window; the last one is cut at the run's end and
// also takes what happens at that very end. Time before the window is not
// binned (a session in flight across the window's start is counted in
// `sessions_in_flight`).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace fleetsim {

// What a pool's rows need besides its bins.
struct TimeSeriesPool {
  std::string name;
  int nodes = 0;            // at the start
  long replicas = 0;
  long kv_blocks = 0;       // over all its replicas
  double baseline_w = 0.0;  // every node's host and idle devices: power drawn busy or not
  // An autoscaled pool's node count changes (nodes_changed); its figures per
  // bin are then over the nodes it held, and the three above are per node.
  bool autoscaled = false;
};

// One pool in one bin.
struct PoolBinRow {
  double bin_start_s = 0.0;
  double bin_end_s = 0.0;
  std::size_t pool = 0;
  double nodes = 0.0;              // time-averaged nodes paid for (fixed unless autoscaled)
  double power_w = 0.0;            // mean IT power: baseline + energy above idle / width
  double utilization = 0.0;        // busy replica-seconds / (replicas x width)
  double queue_mean = 0.0;         // time-averaged calls waiting at its replicas
  double running_mean = 0.0;       // time-averaged sequences in its replicas' batches
  double kv_occupancy_mean = 0.0;  // time-averaged fraction of KV blocks in use (retained ones included)
  std::int64_t arrivals = 0;       // LLM calls that reached one of its replicas
  std::int64_t completions = 0;    // LLM calls finished there (failed ones included)
};

// One workload in one bin.
struct WorkloadBinRow {
  double bin_start_s = 0.0;
  double bin_end_s = 0.0;
  std::size_t workload = 0;
  std::int64_t sessions_started = 0;
  std::int64_t sessions_finished = 0;
  std::int64_t sessions_in_flight = 0;  // at the bin's end
};

struct TimeSeriesTable {
  std::vector<TimeSeriesPool> pools;
  std::vector<std::string> workloads;
  std::vector<PoolBinRow> pool_rows;          // bin by bin, pools in scenario order
  std::vector<WorkloadBinRow> workload_rows;  // bin by bin, workloads in scenario order
};

class TimeSeries {
 public:
  TimeSeries(double start_s, double bin_s, std::vector<TimeSeriesPool> pools, std::vector<std::string> workloads);

  // A replica of `pool` was busy from t0 to t1 and drew `energy_j` above idle
  // (spread uniformly over the interval, as the peak-power bins do).
  void busy(std::size_t pool, double t0, double t1, double energy_j);
  // The pool's waiting calls, running sequences and KV blocks in use change
  // by these amounts at now_s (times never go backwards).
  void levels(std::size_t pool, double now_s, long waiting, long running, long kv_blocks);
  // An autoscaled pool's nodes paid for change by `delta` at now_s.
  void nodes_changed(std::size_t pool, double now_s, long delta);
  void call_arrived(std::size_t pool, double t);
  void call_finished(std::size_t pool, double t);
  void session_started(std::size_t workload, double t);
  void session_ended(std::size_t workload, double t);
  // Brings the level integrals up to the run's end.
  void settle(double end_s);

  double bin_s() const { return bin_s_; }
  // The rows of every bin up to end_s (the run's end, after settle).
  TimeSeriesTable table(double end_s) const;

 private:
  struct PoolBin {
    double energy_j = 0.0;
    double busy_s = 0.0;
    double waiting_s = 0.0;  // calls x seconds
    double running_s = 0.0;  // sequences x seconds
    double kv_block_s = 0.0;
    double node_s = 0.0;  // autoscaled pools: nodes x seconds
    std::int64_t arrivals = 0;
    std::int64_t completions = 0;
  };
  struct PoolState {
    std::vector<PoolBin> bins;
    double last_s = 0.0;  // levels integrated up to here
    long waiting = 0, running = 0, kv_blocks = 0;
    long nodes = 0;  // autoscaled pools only; 0 otherwise
  };
  struct WorkloadBin {
    std::int64_t started = 0;
    std::int64_t finished = 0;
  };
  struct WorkloadState {
    std::vector<WorkloadBin> bins;
    std::int64_t in_flight_at_start = 0;  // sessions started before the window, not yet ended
  };

  // The bin holding time t (t >= start), growing `bins` to reach it.
  template <typename Bin>
  Bin& bin_at(std::vector<Bin>& bins, double t) const;
  // Calls f(bin, seconds of [t0, t1) inside it) for each bin the interval
  // overlaps, the part before the start dropped.
  template <typename F>
  void spread(std::vector<PoolBin>& bins, double t0, double t1, F&& f) const;
  void integrate_levels(PoolState& p, double now_s) const;

  double start_s_;
  double bin_s_;
  std::vector<TimeSeriesPool> pool_info_;
  std::vector<std::string> workload_names_;
  std::vector<PoolState> pools_;
  std::vector<WorkloadState> workloads_;
};

}  // namespace fleetsim
