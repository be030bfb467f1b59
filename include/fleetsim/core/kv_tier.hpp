// A memory tier below a node's device memory that can hold KV caches a replica
// no longer keeps on its devices: the node's host DRAM, CXL memory or local
// NVMe (docs/performance-model.md, "KV tiers below device memory").
//
// This is hardware data, one entry per tier of a node type (the catalog's
// `kv_tiers:` list); whether a pool uses a tier is its engine's choice
// (EngineSettings::kv_tiers). A remote KV store (fleet nodes holding caches
// for others) is not one of these: it is shared by replicas and its reloads
// cross the fleet's network as SimGrid communications (kv_store.hpp).
#pragma once

#include <string>

namespace fleetsim {

enum class KvTierKind { host_dram, cxl, nvme };

constexpr const char* to_string(KvTierKind kind) {
  return kind == KvTierKind::host_dram ? "host_dram" : kind == KvTierKind::cxl ? "cxl" : "nvme";
}

struct KvTierSpec {
  std::string name;  // unique within the node type; engines name tiers by it
  KvTierKind kind = KvTierKind::host_dram;
  // Bytes of the tier one node gives to KV caches, split evenly between the
  // node's replicas (each serving engine owns its offload buffer, as vLLM's
  // and LMCache's CPU backends do per process).
  double capacity_bytes = 0.0;
  // The link between one device and the tier (PCIe for host DRAM), per
  // direction: a replica over n devices moves its KV shards over n links.
  double bandwidth_bps = 0.0;
  double latency_s = 0.0;  // per transfer: DMA setup and the first bytes' trip
};

// Time to move `bytes` over a link of `bandwidth_bps` (> 0) and `latency_s`:
//   latency + bytes / bandwidth
// the time of one transfer alone on its link. Transfers that overlap share the
// link in reality; here they are taken one after the other by the caller
// (ContinuousBatcher sums the reloads of one iteration). Running the transfers
// as SimGrid communications on the node's links, which share bandwidth fairly
// and can cross the fleet's network to a remote store, is the next step
// (issue 14, item 3); this function is then what one transfer alone takes.
constexpr double kv_transfer_time_s(double bytes, double bandwidth_bps, double latency_s) {
  return latency_s + bytes / bandwidth_bps;
}

}  // namespace fleetsim
