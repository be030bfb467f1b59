// A remote KV store's report (docs/performance-model.md, "A remote KV
// store"): its memory held over the window, and its nodes priced and powered
// as a tool pool's, at their idle power (serving reloads from memory is not
// modelled as CPU work).
#include <algorithm>

#include "fleetsim/core/carbon.hpp"
#include "fleetsim/core/energy_over_time.hpp"
#include "fleetsim/core/kv_store.hpp"
#include "report_builder_parts.hpp"

namespace fleetsim::report_parts {

KvStoreReport kv_store_report(const FleetModel& fleet, std::size_t k, const Costs& costs, const Window& win) {
  const KvStoreSpec& spec = fleet.scenario().kv_stores[k];
  const KvStore& store = fleet.kv_stores()[k];
  const KvStoreStats& st = store.stats();
  KvStoreReport s;
  s.name = spec.name;
  s.hardware = spec.hardware.name;
  s.instance = spec.hardware.instance;
  s.nodes = spec.count;
  s.capacity_bytes = spec.capacity_bytes();
  // Utilization in blocks (what the store counts in) is the same fraction in bytes.
  const double capacity_blocks = static_cast<double>(store.capacity_blocks());
  s.memory_utilization = ratio(st.blocks_held.mean(win.start_s, win.end_s), capacity_blocks);
  s.peak_memory_utilization = ratio(static_cast<double>(st.peak_blocks), capacity_blocks);
  s.caches_stored = st.caches_stored;
  s.caches_evicted = st.caches_evicted;
  s.hits = st.hits;
  s.node_hours = spec.count * win.length_s / kSecondsPerHour;
  const double idle_w = kv_store_power_w(spec);
  s.energy_j = idle_w * win.length_s;
  s.mean_power_w = ratio(s.energy_j, win.length_s);
  s.peak_power_w = idle_w;
  const PowerTimeline no_dynamic_power(win.start_s, 1.0);
  static_cast<CostAndCarbon&>(s) = held_nodes_cost_and_carbon(spec.hardware, spec.count, s.node_hours, s.energy_j,
                                                               s.energy_j, 0.0, no_dynamic_power, costs, win);
  return s;
}

}  // namespace fleetsim::report_parts
