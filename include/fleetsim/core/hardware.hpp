// A node type: the hardware one fleet node has, its power and its price.
//
// CPU and GPU nodes share one description. A node has `devices` identical
// compute devices: GPUs, or CPU sockets (each socket with its own DRAM is one
// NUMA domain and the natural home of one CPU replica). All figures are in SI
// base units (FLOP/s, bytes, bytes/s, W, s, USD) and per device unless named
// otherwise.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "fleetsim/core/kv_tier.hpp"
#include "fleetsim/core/precision.hpp"
#include "fleetsim/core/purchase.hpp"

namespace fleetsim {

// What a node's devices are. An accelerator (TPU, Trainium, Inferentia, Maia)
// is modelled like a GPU: devices with their own memory, counted by `devices`;
// the kind only names it honestly.
enum class DeviceKind { cpu, gpu, accelerator };

// How a node's devices are linked to one another. `switched`: through a
// switch (NVSwitch), so any group of them all-reduces at each device's full
// `interconnect_bandwidth`. `full_mesh`: each device has its own links to
// every other (AMD's xGMI, Gaudi's scale-up RoCE ports), so a group of k of
// the node's n devices reaches only the (k - 1) / (n - 1) of them that join
// its members (docs/performance-model.md, section 2.4).
enum class InterconnectTopology { switched, full_mesh };

// "switched" or "full_mesh", as scenarios and the catalog spell it.
constexpr const char* to_string(InterconnectTopology topology) {
  return topology == InterconnectTopology::full_mesh ? "full_mesh" : "switched";
}

// In a full mesh of `devices`, the share of each device's links that join it
// to the other members of a group of `group` of them: (group - 1) / (devices - 1).
constexpr double full_mesh_share(int group, int devices) {
  return static_cast<double>(group - 1) / static_cast<double>(devices - 1);
}

// "cpu", "gpu" or "accelerator", as scenarios and reports spell it.
constexpr const char* to_string(DeviceKind kind) {
  return kind == DeviceKind::cpu ? "cpu" : kind == DeviceKind::gpu ? "gpu" : "accelerator";
}

// Per-device power in three states (see docs/performance-model.md, "Power").
struct DevicePower {
  double idle_w = 0.0;           // weights resident, no work
  double memory_bound_w = 0.0;   // streaming memory (decode)
  double compute_bound_w = 0.0;  // matrix units saturated (prefill)
};

// A frequency state of the node's devices (a GPU's locked SM clock, a CPU's
// pinned core clock): docs/performance-model.md, section 5.2. Both figures
// are fractions of the nominal state, the one the entry's peak_flops and
// power figures describe. Compute time scales as 1/clock; memory time does
// not; the power above idle scales as clock x voltage^2 (at_power_state).
struct PowerState {
  std::string name;
  double clock = 1.0;    // core clock / the nominal clock
  double voltage = 1.0;  // supply voltage / the nominal voltage (1: frequency-only scaling)
};

struct HardwareSpec {
  std::string name;
  // The built-in entry a scenario's or a catalog file's entry starts from
  // (`catalog: NAME`, or the same name); empty for a built-in entry itself
  // and for an entry of their own. The silicon it describes: the report's
  // evidence follows it (model_evidence.hpp).
  std::string catalog_base;
  std::string description;
  std::string instance;  // cloud instance the figures describe, e.g. "p5.48xlarge"
  DeviceKind kind = DeviceKind::gpu;

  int devices = 1;           // GPUs per node, or CPU sockets per node
  int cores_per_device = 0;  // CPU only: cores per socket
  double clock_hz = 0.0;     // CPU only

  // Dense peak throughput per device by the data type the matrix units run in.
  std::map<DataType, double> peak_flops;
  // CPU only: the int8 rate of the core's dot-product instructions as a share
  // of peak_flops' int8, where its matrix instructions are faster: Arm's SDOT
  // multiplies 16 int8 pairs per instruction and SMMLA 32, at the same issue
  // rate, so 0.5 on a Neoverse V1 or V2. Only the products a stack runs
  // through dot products use it (EngineSettings::dot_product_formats); 1
  // where the int8 peak is the dot products' own.
  double int8_dot_share = 1.0;
  // CPU only: how this chip scales a stack's serial fraction (Amdahl's share
  // of the math one thread does alone, EngineSettings::serial_fraction). The
  // share is measured where one process's threads wait on each other (the
  // activations every thread reads, the last chunks of a node, the barriers'
  // imbalance), and how long that waiting takes is the chip's: its mesh, its
  // caches, how its cores hand data to each other. 1: the stack's figure as
  // fitted (on Graviton3); docs/performance-model.md, "Threads that do not
  // all compute".
  double serial_fraction_scale = 1.0;
  double memory_bandwidth_bps = 0.0;  // bytes/s per device (HBM or socket DRAM)
  // CPU only: the rate one core streams weights in the serving kernels
  // (bytes/s, achieved, so not scaled by memory_efficiency); 0 for no
  // per-core limit. A replica on t cores of a socket reaches
  //   (1/(t * core_bandwidth)^p + 1/(W * memory_efficiency)^p)^(-1/p)
  // with p = bandwidth_knee: few cores are limited by their own reach, many
  // by the socket, and the larger p the sharper the turn between the two.
  double core_bandwidth_bps = 0.0;
  double bandwidth_knee = 2.0;
  double memory_capacity_bytes = 0.0;
  double interconnect_bandwidth_bps = 0.0;  // per device, between devices of a node
  double interconnect_latency_s = 0.0;      // per collective step
  InterconnectTopology interconnect_topology = InterconnectTopology::switched;
  // Fraction of interconnect_bandwidth an all-reduce's ring reaches (NCCL's
  // "bus bandwidth" over the link rate): protocol and synchronization costs.
  double interconnect_efficiency = 1.0;
  // The node's network interface (bytes/s, each direction) and the one-way
  // latency of a transfer between two nodes: what moves a call's KV cache
  // from a prefill node to a decode node (docs/disaggregation.md). 0: not
  // given, and a pool of such nodes cannot take a prefill or decode role.
  double network_bandwidth_bps = 0.0;
  double network_latency_s = 0.0;

  // Achieved fraction of peak; calibrated, see docs/performance-model.md.
  double compute_efficiency = 1.0;
  double memory_efficiency = 1.0;
  // How a weight matrix's math and its weight reads combine: the time is
  // (t_c^p + t_m^p)^(1/p) with p = matmul_knee, between their sum (p = 1)
  // and the larger of the two (p -> infinity, the plain roofline). Real GEMM
  // kernels fall short of both rooflines where the two meet (a batch of a few
  // hundred tokens); 0 means the plain roofline.
  double matmul_knee = 0.0;
  double iteration_overhead_s = 0.0;  // scheduler + launch cost per engine iteration
  // The shortest time one kernel takes on the device, launch to completion,
  // replayed from a CUDA graph: what a kernel that moves almost no bytes and
  // does almost no math costs. A stack's kernels_per_layer multiply it
  // (docs/performance-model.md, "Kernels the roofline does not price"); 0
  // when the entry does not give it, and then nothing is charged.
  double kernel_floor_s = 0.0;
  // What each weight-matrix product costs beyond its roofline: the time a
  // GEMM kernel takes besides streaming its weights (launch, the memory
  // pipeline's fill, the tail of its last wave), measured on one GPU as the
  // intercept of kernel time against weight bytes. A product of fewer than
  // matmul_floor_bytes on one device pays it in proportion to its bytes
  // (below the smallest matrix measured the floor is not known, and a tiny
  // matrix costs about a kernel's launch; docs/performance-model.md, "A
  // matrix product's floor"). 0: not given, nothing charged; a
  // matmul_floor_bytes of 0 charges the whole floor at any size.
  double matmul_floor_s = 0.0;
  double matmul_floor_bytes = 0.0;
  // CPU only: the time one cache line takes to move from one core to
  // another (an atomic's bounce, as core-to-core latency tests measure it)
  // within a socket, and between sockets. A barrier across n threads passes
  // its counter's line through every thread; a stack's sync_points_per_layer
  // pay it (docs/performance-model.md, "Thread barriers on CPUs"). 0: nothing
  // charged; a socket_to_socket_latency of 0 means the same as within one.
  double core_to_core_latency_s = 0.0;
  double socket_to_socket_latency_s = 0.0;

  // The interconnect bandwidth each device of a tensor-parallel group of
  // `group` devices reaches: all of it through a switch, the links to the
  // group's other members in a full mesh.
  double interconnect_bandwidth_for_group(int group) const {
    if (interconnect_topology != InterconnectTopology::full_mesh || devices <= 1 || group >= devices)
      return interconnect_bandwidth_bps;
    return interconnect_bandwidth_bps * full_mesh_share(group, devices);
  }

  DevicePower device_power;
  // The frequency states a pool may pick (Pool::pstate); empty when the
  // entry lists none, and then its pools run at the nominal state.
  std::vector<PowerState> pstates;
  double host_power_w = 0.0;  // node baseline besides the devices (CPUs of a GPU node, fans, NICs)
  // Embodied carbon of one node (manufacture, transport, end of life) and the
  // life it is spread over; no default: 0 when the entry does not give it
  // (docs/performance-model.md, section 5.1).
  double embodied_kgco2e = 0.0;
  double embodied_life_years = 0.0;

  // How long a node takes from its start to serving, for an autoscaled pool
  // whose `autoscale:` does not say (docs/autoscaling.md, "Provisioning
  // delay"): the instance's launch and boot, and the rate its replicas'
  // weights load at. 0 where the catalog has no sourced figure: that part
  // then takes no time.
  double provisioning_startup_s = 0.0;
  double provisioning_load_bandwidth_bps = 0.0;

  // Memory below the devices that can hold KV caches (host DRAM, ...), top
  // first; unused unless a pool's engine names them (EngineSettings::kv_tiers).
  std::vector<KvTierSpec> kv_tiers;

  double price_per_hour_usd = 0.0;  // on-demand
  std::string price_date;
  // Other ways to buy the node (reservations, spot, owned), by name; a pool
  // names one (Pool::purchase), the report prices the fleet under each.
  std::vector<PurchaseOption> purchase_options;

  // Field name -> public source of its default value.
  std::map<std::string, std::string> sources;

  // Peak FLOP/s for a compute data type, falling back to the closest wider
  // type the device has (fp4 -> fp8 -> bf16, fp8 -> bf16, int8 -> bf16,
  // int4 -> int8 -> bf16).
  std::optional<double> peak_flops_for(DataType compute) const;
  // Whether the device multiplies `compute` in its own matrix units: it lists
  // a peak for that type, or the type is 16-bit (fp16 and bf16 run on the
  // same units). Otherwise peak_flops_for's fallback holds only if a kernel
  // widens the values first.
  bool has_matrix_units_for(DataType compute) const;
};

}  // namespace fleetsim
