#include "hardware_entry.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "kv_tier_reader.hpp"
#include "model_entry.hpp"
#include "purchase_reader.hpp"
#include "fleetsim/io/spelling.hpp"
#include "scenario_words.hpp"

namespace fleetsim {
namespace {

const std::vector<std::string> kCommonKeys = {
    "kind",       "description",  "instance",        "peak_flops",     "memory_bandwidth", "kv_tiers",
    "memory_capacity", "interconnect_bandwidth", "interconnect_latency", "interconnect_efficiency",
    "interconnect_topology",
    "network_bandwidth", "network_latency", "efficiency", "matmul_knee",
    "iteration_overhead", "kernel_floor", "matmul_floor", "matmul_floor_bytes", "power", "price_per_hour",
    "price_date", "embodied_carbon", "sources", "purchase", "pstates", "provisioning"};
const std::vector<std::string> kGpuOnlyKeys = {"devices"};
const std::vector<std::string> kCpuOnlyKeys = {"sockets",        "cores_per_socket",     "clock",
                                               "core_bandwidth", "bandwidth_knee",       "core_to_core_latency",
                                               "socket_to_socket_latency", "int8_dot_share",
                                               "serial_fraction_scale"};

// Reads the keys of a nested map such as `power:` into fields of `hw`; keys
// absent keep their current (inherited) value unless `complete` demands them.
struct NestedField {
  std::string key;
  double* target;
  Dimension dimension;
  Bounds bounds;
};

void read_nested(YamlReader& reader, const YAML::Node& map, const std::string& path,
                 const std::vector<NestedField>& fields, bool complete) {
  if (!reader.expect_map(map, path)) return;
  std::vector<std::string> keys;
  for (const auto& f : fields) keys.push_back(f.key);
  reader.check_keys(map, path, keys);
  std::vector<std::string> missing;
  for (const auto& f : fields) {
    const YAML::Node value = YamlReader::get(map, f.key);
    if (!value.IsDefined()) {
      if (complete && !reader.is_misspelt(map, f.key)) missing.push_back(f.key);
      continue;
    }
    if (auto x = reader.quantity(value, child_path(path, f.key), f.dimension, f.bounds)) *f.target = *x;
  }
  if (!missing.empty())
    reader.error(map, path, fmt::format("missing required key{} {}", missing.size() > 1 ? "s" : "", quoted_list(missing)));
}

void read_peak_flops(YamlReader& reader, const YAML::Node& map, const std::string& path, HardwareSpec& hw,
                     bool inherited) {
  if (!reader.expect_map(map, path, "give peak FLOP/s per data type, e.g. {bf16: 989TFLOPS, fp8: 1979TFLOPS}"))
    return;
  if (!inherited) hw.peak_flops.clear();
  const auto base = hw.peak_flops;
  std::vector<std::string> rescaled;  // types the base lists, given another rate: other cores, clock or chip
  for (auto it = map.begin(); it != map.end(); ++it) {
    const std::string key_path = it->first.IsScalar() ? child_path(path, it->first.Scalar()) : path;
    const auto type = reader.choice(it->first, key_path, data_type_choices(), "data type");
    const auto flops = reader.quantity(it->second, key_path, Dimension::flops, greater_than(0));
    if (type && flops) {
      const auto was = base.find(*type);
      if (was != base.end() && was->second != *flops) rescaled.emplace_back(to_string(*type));
      hw.peak_flops[*type] = *flops;
    }
  }
  // Entries merge, which is what adding a type to a catalog entry wants; but
  // an entry that rescales the base's rates and leaves one out keeps that one
  // at the base's cores and clock (an Arm socket's fp16, below its bf16).
  if (!rescaled.empty())
    for (const auto& [type, flops] : base)
      if (!YamlReader::get(map, std::string(to_string(type))).IsDefined())
        reader.warning(map, child_path(path, std::string(to_string(type))),
                       fmt::format("keeps the base entry's {:.4g} TFLOP/s, while this entry changes {}",
                                   flops / 1e12, fmt::join(rescaled, " and ")),
                       fmt::format("restate {} for this entry's cores and clock", to_string(type)));
  if (hw.peak_flops.empty() && map.size() == 0)
    reader.error(map, path, "expected peak FLOP/s for at least one data type, found an empty map",
                 "e.g. {bf16: 989TFLOPS, fp8: 1979TFLOPS}");
}

// One entry's keys, each read into its field when present; an absent key
// keeps the field's current (inherited) value.
struct EntryFields {
  YamlReader& reader;
  const YAML::Node& entry;
  const std::string& path;

  void text(const char* key, std::string& target) const {
    if (const YAML::Node n = YamlReader::get(entry, key))
      if (auto v = reader.text(n, child_path(path, key))) target = *v;
  }
  void quantity(const char* key, double& target, Dimension dimension, Bounds bounds) const {
    if (const YAML::Node n = YamlReader::get(entry, key))
      if (auto v = reader.quantity(n, child_path(path, key), dimension, bounds)) target = *v;
  }
  void number(const char* key, double& target, Bounds bounds) const {
    if (const YAML::Node n = YamlReader::get(entry, key))
      if (auto v = reader.number(n, child_path(path, key), bounds)) target = *v;
  }
  void integer(const char* key, int& target) const {
    if (const YAML::Node n = YamlReader::get(entry, key))
      if (auto v = reader.integer(n, child_path(path, key), 1)) target = static_cast<int>(*v);
  }
};

// `kind:`, or the base entry's kind; nullopt when neither gives a valid one.
std::optional<DeviceKind> read_kind(YamlReader& reader, const YAML::Node& entry, const std::string& path,
                                    const HardwareSpec* base, HardwareSpec& hw) {
  std::optional<DeviceKind> kind;
  if (base) kind = base->kind;
  if (const YAML::Node n = YamlReader::get(entry, "kind")) {
    kind = reader.choice(n, child_path(path, "kind"), device_kind_choices(), "hardware kind");
    if (kind) hw.kind = *kind;
  }
  return kind;
}

// An entry without a base must give every key the model cannot do without.
void check_required(YamlReader& reader, const YAML::Node& entry, const std::string& path, const std::string& name,
                    std::optional<DeviceKind> kind) {
  std::vector<std::string> missing;
  auto need = [&](const std::string& key) {
    if (!YamlReader::get(entry, key).IsDefined() && !reader.is_misspelt(entry, key)) missing.push_back(key);
  };
  need("kind");
  if (kind == DeviceKind::cpu) {
    need("sockets");
    need("cores_per_socket");
    need("clock");
  } else if (kind) {
    need("devices");
  }
  for (const char* key : {"peak_flops", "memory_bandwidth", "memory_capacity", "efficiency", "power",
                          "price_per_hour"})
    need(key);
  if (!missing.empty()) {
    reader.error(entry, path,
                 fmt::format("hardware \"{}\" is missing required key{} {}", name, missing.size() > 1 ? "s" : "",
                             quoted_list(missing)),
                 "define them, or start from a catalog entry with `catalog: NAME` and override only what differs");
  }
}

// Keys that belong to the other kind of node.
void check_kind_keys(YamlReader& reader, const YAML::Node& entry, const std::string& path,
                     std::optional<DeviceKind> kind) {
  // A socket is a CPU's device; naming it so keeps CPU entries readable.
  if (kind == DeviceKind::cpu) {
    if (const YAML::Node n = YamlReader::get(entry, "devices"))
      reader.error(n, child_path(path, "devices"), "a cpu node counts sockets, not devices",
                   "write `sockets: N`; each socket with its own DRAM is one device");
  } else if (kind) {
    for (const auto& key : kCpuOnlyKeys)
      if (const YAML::Node n = YamlReader::get(entry, key))
        reader.error(n, child_path(path, key), fmt::format("\"{}\" applies only to kind: cpu", key),
                     key == "sockets" ? fmt::format("{} node counts `devices`", *kind == DeviceKind::gpu ? "a gpu" : "an accelerator") : "");
  }
}

// The node's devices: how many, and for a CPU its cores, clock and caches' reach.
void read_devices(const EntryFields& f, std::optional<DeviceKind> kind, HardwareSpec& hw) {
  if (kind != DeviceKind::cpu) f.integer("devices", hw.devices);
  if (kind != DeviceKind::gpu && kind != DeviceKind::accelerator) {
    f.integer("sockets", hw.devices);
    f.integer("cores_per_socket", hw.cores_per_device);
    f.quantity("clock", hw.clock_hz, Dimension::frequency, greater_than(0));
    f.quantity("core_bandwidth", hw.core_bandwidth_bps, Dimension::bandwidth, at_least(0));
    f.quantity("core_to_core_latency", hw.core_to_core_latency_s, Dimension::duration, at_least(0));
    f.quantity("socket_to_socket_latency", hw.socket_to_socket_latency_s, Dimension::duration, at_least(0));
    f.number("bandwidth_knee", hw.bandwidth_knee, in_range(0.5, 64));
    f.number("int8_dot_share", hw.int8_dot_share, in_range(0, 1, true));
    f.number("serial_fraction_scale", hw.serial_fraction_scale, in_range(0, 10, true));
  }
}

// Peak rates, memory, links and the efficiencies the roofline applies to them.
void read_performance(const EntryFields& f, bool complete, const HardwareSpec* base, HardwareSpec& hw) {
  if (const YAML::Node n = YamlReader::get(f.entry, "peak_flops"))
    read_peak_flops(f.reader, n, child_path(f.path, "peak_flops"), hw, base != nullptr);
  f.quantity("memory_bandwidth", hw.memory_bandwidth_bps, Dimension::bandwidth, greater_than(0));
  f.quantity("memory_capacity", hw.memory_capacity_bytes, Dimension::bytes, greater_than(0));
  f.quantity("interconnect_bandwidth", hw.interconnect_bandwidth_bps, Dimension::bandwidth, at_least(0));
  f.quantity("interconnect_latency", hw.interconnect_latency_s, Dimension::duration, at_least(0));
  f.quantity("network_bandwidth", hw.network_bandwidth_bps, Dimension::bandwidth, at_least(0));
  f.quantity("network_latency", hw.network_latency_s, Dimension::duration, at_least(0));
  f.quantity("iteration_overhead", hw.iteration_overhead_s, Dimension::duration, at_least(0));
  f.quantity("kernel_floor", hw.kernel_floor_s, Dimension::duration, at_least(0));
  f.quantity("matmul_floor", hw.matmul_floor_s, Dimension::duration, at_least(0));
  f.quantity("matmul_floor_bytes", hw.matmul_floor_bytes, Dimension::bytes, at_least(0));
  f.number("interconnect_efficiency", hw.interconnect_efficiency, in_range(0, 1, true, false));
  if (const YAML::Node n = YamlReader::get(f.entry, "interconnect_topology"))
    if (auto v = f.reader.choice(n, child_path(f.path, "interconnect_topology"), interconnect_topology_choices(),
                                 "interconnect topology"))
      hw.interconnect_topology = *v;
  f.number("matmul_knee", hw.matmul_knee, in_range(1, 64));
  if (const YAML::Node n = YamlReader::get(f.entry, "efficiency")) {
    read_nested(f.reader, n, child_path(f.path, "efficiency"),
                {{"compute", &hw.compute_efficiency, Dimension::dimensionless, in_range(0, 1, true, false)},
                 {"memory", &hw.memory_efficiency, Dimension::dimensionless, in_range(0, 1, true, false)}},
                complete);
  }
}

// A node cut from a full mesh keeps only the links among its devices: each
// device's interconnect_bandwidth is its links to the base's other devices,
// so d of the base's D devices keep (d - 1) / (D - 1) of it, unless the
// entry gives its own figure (docs/performance-model.md, section 2.4).
void keep_mesh_links(const YAML::Node& entry, const HardwareSpec* base, HardwareSpec& hw) {
  if (!base || hw.interconnect_topology != InterconnectTopology::full_mesh) return;
  if (base->devices <= 1 || hw.devices >= base->devices) return;
  if (YamlReader::get(entry, "interconnect_bandwidth")) return;
  hw.interconnect_bandwidth_bps = base->interconnect_bandwidth_bps * full_mesh_share(hw.devices, base->devices);
}

// Power draw, prices, provisioning and embodied carbon: what the node costs to run and own.
void read_costs(const EntryFields& f, bool complete, HardwareSpec& hw) {
  YamlReader& reader = f.reader;
  const YAML::Node& entry = f.entry;
  const std::string& path = f.path;
  if (const YAML::Node n = YamlReader::get(entry, "power")) {
    read_nested(reader, n, child_path(path, "power"),
                {{"idle", &hw.device_power.idle_w, Dimension::power, at_least(0)},
                 {"memory_bound", &hw.device_power.memory_bound_w, Dimension::power, at_least(0)},
                 {"compute_bound", &hw.device_power.compute_bound_w, Dimension::power, at_least(0)},
                 {"host", &hw.host_power_w, Dimension::power, at_least(0)}},
                complete);
  }
  f.number("price_per_hour", hw.price_per_hour_usd, at_least(0));
  // Purchase options are priced for the entry's instance, like price_per_hour:
  // an override that reprices the node (another size, another quote) does not
  // inherit them, unless it lists them again.
  if (YamlReader::get(entry, "price_per_hour")) hw.purchase_options.clear();
  if (const YAML::Node n = YamlReader::get(entry, "purchase"))
    read_purchase_options(reader, n, child_path(path, "purchase"), hw.purchase_options);
  // Optional: an autoscaled pool's provisioning delay when its scenario gives none.
  if (const YAML::Node n = YamlReader::get(entry, "provisioning")) {
    read_nested(reader, n, child_path(path, "provisioning"),
                {{"startup", &hw.provisioning_startup_s, Dimension::duration, at_least(0)},
                 {"load_bandwidth", &hw.provisioning_load_bandwidth_bps, Dimension::bandwidth, at_least(0)}},
                false);
  }
  if (const YAML::Node n = YamlReader::get(entry, "embodied_carbon")) {
    // Optional, no default: both figures or neither (docs/performance-model.md, 5.1).
    read_nested(reader, n, child_path(path, "embodied_carbon"),
                {{"kgco2e", &hw.embodied_kgco2e, Dimension::dimensionless, at_least(0)},
                 {"life_years", &hw.embodied_life_years, Dimension::dimensionless, greater_than(0)}},
                true);
  }
}

// `pstates:` the frequency states a pool may pick, each {name, clock,
// voltage} as fractions of the nominal state (docs/performance-model.md 5.2).
// A scenario that gives the list replaces the base entry's whole.
void read_pstates(YamlReader& reader, const YAML::Node& list, const std::string& path, HardwareSpec& hw) {
  if (!reader.expect_items(list, path, "frequency state")) return;
  std::vector<PowerState> states;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string item = index_path(path, i);
    const YAML::Node node = list[i];
    if (!reader.expect_map(node, item, "e.g. {name: sm-1410mhz, clock: 0.77, voltage: 0.89}")) continue;
    reader.check_keys(node, item, {"name", "clock", "voltage"});
    PowerState s;
    if (const YAML::Node n = reader.require(node, item, "name", "the name a pool's `pstate:` gives"))
      if (auto v = reader.name(n, child_path(item, "name"))) s.name = *v;
    if (const YAML::Node n = reader.require(node, item, "clock", "the clock as a fraction of the nominal one, e.g. 0.77"))
      if (auto v = reader.number(n, child_path(item, "clock"), in_range(0, 4, true, false))) s.clock = *v;
    if (const YAML::Node n = YamlReader::get(node, "voltage"))
      if (auto v = reader.number(n, child_path(item, "voltage"), in_range(0, 2, true, false))) s.voltage = *v;
    for (const PowerState& earlier : states)
      if (!s.name.empty() && earlier.name == s.name)
        reader.error(node["name"], child_path(item, "name"), fmt::format("frequency state \"{}\" is listed twice", s.name),
                     "give each state its own name");
    states.push_back(s);
  }
  hw.pstates = std::move(states);
}

}  // namespace

std::vector<std::string> hardware_entry_keys() {
  std::vector<std::string> keys = kCommonKeys;
  keys.insert(keys.end(), kGpuOnlyKeys.begin(), kGpuOnlyKeys.end());
  keys.insert(keys.end(), kCpuOnlyKeys.begin(), kCpuOnlyKeys.end());
  return keys;
}

std::optional<HardwareSpec> read_hardware_entry(YamlReader& reader, const YAML::Node& entry,
                                                const std::string& path, const std::string& name,
                                                const HardwareSpec* base,
                                                const std::vector<std::string>& extra_keys) {
  if (!reader.expect_map(entry, path)) return std::nullopt;
  const std::size_t errors_before = reader.error_count();
  const bool complete = base == nullptr;  // every required key must be here
  HardwareSpec hw = base ? *base : HardwareSpec{};
  hw.name = name;
  // The copy keeps the base's own base, if it has one: the built-in entry.
  if (base && hw.catalog_base.empty()) hw.catalog_base = base->name;

  const std::optional<DeviceKind> kind = read_kind(reader, entry, path, base, hw);
  std::vector<std::string> allowed = hardware_entry_keys();
  allowed.insert(allowed.end(), extra_keys.begin(), extra_keys.end());
  reader.check_keys(entry, path, allowed);
  if (complete) check_required(reader, entry, path, name, kind);
  check_kind_keys(reader, entry, path, kind);

  const EntryFields fields{reader, entry, path};
  fields.text("description", hw.description);
  fields.text("instance", hw.instance);
  fields.text("price_date", hw.price_date);
  read_devices(fields, kind, hw);
  read_performance(fields, complete, base, hw);
  keep_mesh_links(entry, base, hw);
  read_costs(fields, complete, hw);
  // A scenario that gives kv_tiers replaces the base entry's list whole.
  if (const YAML::Node n = YamlReader::get(entry, "kv_tiers"))
    if (auto tiers = read_kv_tier_specs(reader, n, child_path(path, "kv_tiers"))) hw.kv_tiers = std::move(*tiers);
  if (const YAML::Node n = YamlReader::get(entry, "pstates"))
    read_pstates(reader, n, child_path(path, "pstates"), hw);
  if (const YAML::Node n = YamlReader::get(entry, "sources"))
    if (auto sources = reader.text_map(n, child_path(path, "sources")))
      for (auto& [field, citation] : *sources) hw.sources[field] = citation;

  if (reader.error_count() != errors_before) return std::nullopt;
  return hw;
}

}  // namespace fleetsim
