#include "fleetsim/io/catalog_render.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "fleetsim/io/json_numbers.hpp"
#include "fleetsim/io/report_text.hpp"
#include "stack_render.hpp"

namespace fleetsim {
namespace {

namespace text = report_text;
using Align = text::TextTable::Align;
using Json = nlohmann::ordered_json;
using json_numbers::number_or_null;

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;
constexpr double kKiB = 1024.0;

// Only the types the entry declares: the fallback to a wider type is a
// modelling rule (HardwareSpec::peak_flops_for), not a property of the chip.
std::string tera(const HardwareSpec& h, DataType t) {
  const auto it = h.peak_flops.find(t);
  return it == h.peak_flops.end() ? "-" : text::sig(it->second / 1e12, 3);
}

std::string hardware_table(const Catalog& catalog) {
  text::TextTable table({{"hardware", Align::left},
                         {"kind", Align::left},
                         {"devices"},
                         {"cores"},
                         {"bf16 TFLOPS"},
                         {"fp8 TFLOPS"},
                         {"int8 TOPS"},
                         {"mem GB/s"},
                         {"mem GB"},
                         {"idle W"},
                         {"mem W"},
                         {"compute W"},
                         {"host W"},
                         {"$/h"},
                         {"price date", Align::left}});
  for (const HardwareSpec& h : catalog.hardware()) {
    table.add_row({h.name, to_string(h.kind), std::to_string(h.devices),
                   h.cores_per_device > 0 ? std::to_string(h.cores_per_device) : "-",
                   tera(h, DataType::bf16), tera(h, DataType::fp8), tera(h, DataType::int8),
                   text::grouped(h.memory_bandwidth_bps / 1e9, 0),
                   text::grouped(h.memory_capacity_bytes / 1e9, 0),
                   text::grouped(h.device_power.idle_w, 0),
                   text::grouped(h.device_power.memory_bound_w, 0),
                   text::grouped(h.device_power.compute_bound_w, 0),
                   text::grouped(h.host_power_w, 0), text::grouped(h.price_per_hour_usd, 2),
                   h.price_date.empty() ? "-" : h.price_date});
  }
  return table.render("  ");
}

std::string params(const ModelSpec& m) {
  std::string out = text::sig(m.params_total / 1e9, 3) + "B";
  if (m.params_active > 0 && m.params_active < m.params_total)
    out += " (" + text::sig(m.params_active / 1e9, 3) + "B active)";
  return out;
}

std::string model_table(const Catalog& catalog) {
  text::TextTable table({{"model", Align::left},
                         {"params", Align::left},
                         {"layers"},
                         {"hidden"},
                         {"heads"},
                         {"kv heads"},
                         {"head dim"},
                         {"weights", Align::left},
                         {"kv", Align::left},
                         {"weight GiB"},
                         {"KV KiB/token"}});
  for (const ModelSpec& m : catalog.models()) {
    table.add_row({m.name, params(m), std::to_string(m.layers), std::to_string(m.hidden_size),
                   std::to_string(m.attention_heads), std::to_string(m.kv_heads),
                   std::to_string(m.head_dim), std::string(to_string(m.weight_dtype)),
                   std::string(to_string(m.kv_dtype)), text::sig(m.weight_bytes() / kGiB, 3),
                   text::sig(m.kv_bytes_per_token() / kKiB, 3)});
  }
  return table.render("  ");
}

void sources(std::string& out, const std::string& name, const std::string& description,
             const std::map<std::string, std::string>& entries) {
  out += description.empty() ? fmt::format("  {}\n", name)
                             : fmt::format("  {} ({})\n", name, description);
  if (entries.empty()) out += "    (no sources recorded)\n";
  for (const auto& [field, source] : entries) out += fmt::format("    {}: {}\n", field, source);
}

Json sources_json(const std::map<std::string, std::string>& entries) {
  Json j = Json::object();
  for (const auto& [field, source] : entries) j[field] = source;
  return j;
}

Json hardware_json(const HardwareSpec& h) {
  Json j = Json::object();
  j["name"] = h.name;
  j["description"] = h.description;
  j["instance"] = h.instance;
  j["kind"] = to_string(h.kind);
  j["devices"] = h.devices;
  j["cores_per_device"] = h.cores_per_device;
  j["clock_hz"] = number_or_null(h.clock_hz);
  Json peak = Json::object();
  for (const auto& [type, flops] : h.peak_flops) peak[std::string(to_string(type))] = number_or_null(flops);
  j["peak_flop_per_s"] = std::move(peak);
  j["memory_bandwidth_bytes_per_s"] = number_or_null(h.memory_bandwidth_bps);
  j["memory_capacity_bytes"] = number_or_null(h.memory_capacity_bytes);
  j["interconnect_bandwidth_bytes_per_s"] = number_or_null(h.interconnect_bandwidth_bps);
  j["interconnect_latency_s"] = number_or_null(h.interconnect_latency_s);
  j["interconnect_efficiency"] = number_or_null(h.interconnect_efficiency);
  j["interconnect_topology"] = to_string(h.interconnect_topology);
  j["network_bandwidth_bytes_per_s"] = number_or_null(h.network_bandwidth_bps);
  j["network_latency_s"] = number_or_null(h.network_latency_s);
  j["compute_efficiency"] = number_or_null(h.compute_efficiency);
  j["memory_efficiency"] = number_or_null(h.memory_efficiency);
  j["matmul_knee"] = number_or_null(h.matmul_knee);
  j["iteration_overhead_s"] = number_or_null(h.iteration_overhead_s);
  j["kernel_floor_s"] = number_or_null(h.kernel_floor_s);
  j["matmul_floor_s"] = number_or_null(h.matmul_floor_s);
  j["matmul_floor_bytes"] = number_or_null(h.matmul_floor_bytes);
  j["core_to_core_latency_s"] = number_or_null(h.core_to_core_latency_s);
  j["socket_to_socket_latency_s"] = number_or_null(h.socket_to_socket_latency_s);
  j["core_bandwidth_bytes_per_s"] = number_or_null(h.core_bandwidth_bps);
  j["bandwidth_knee"] = number_or_null(h.bandwidth_knee);
  j["int8_dot_share"] = number_or_null(h.int8_dot_share);
  j["serial_fraction_scale"] = number_or_null(h.serial_fraction_scale);
  j["device_power"] = {{"idle_w", number_or_null(h.device_power.idle_w)},
                       {"memory_bound_w", number_or_null(h.device_power.memory_bound_w)},
                       {"compute_bound_w", number_or_null(h.device_power.compute_bound_w)}};
  j["host_power_w"] = number_or_null(h.host_power_w);
  j["price_per_hour_usd"] = number_or_null(h.price_per_hour_usd);
  j["price_date"] = h.price_date;
  // Only where the entry gives a figure: other entries keep their bytes.
  if (h.provisioning_startup_s > 0 || h.provisioning_load_bandwidth_bps > 0)
    j["provisioning"] = {{"startup_s", number_or_null(h.provisioning_startup_s)},
                         {"load_bandwidth_bytes_per_s", number_or_null(h.provisioning_load_bandwidth_bps)}};
  if (!h.kv_tiers.empty()) {  // only where the entry has some: other entries keep their bytes
    Json tiers = Json::array();
    for (const KvTierSpec& t : h.kv_tiers)
      tiers.push_back({{"name", t.name},
                       {"kind", to_string(t.kind)},
                       {"capacity_bytes", number_or_null(t.capacity_bytes)},
                       {"bandwidth_bytes_per_s", number_or_null(t.bandwidth_bps)},
                       {"latency_s", number_or_null(t.latency_s)}});
    j["kv_tiers"] = std::move(tiers);
  }
  if (!h.pstates.empty()) {  // likewise: only where the entry lists frequency states
    Json states = Json::array();
    for (const PowerState& s : h.pstates)
      states.push_back({{"name", s.name}, {"clock", number_or_null(s.clock)}, {"voltage", number_or_null(s.voltage)}});
    j["pstates"] = std::move(states);
  }
  if (!h.purchase_options.empty()) {  // likewise: only where the entry lists some
    Json options = Json::object();
    for (const PurchaseOption& o : h.purchase_options) {
      Json option = Json::object();
      if (o.kind == PurchaseOption::Kind::hourly) {
        option["price_per_hour_usd"] = number_or_null(o.price_per_hour_usd);
      } else {
        option["capital_usd"] = number_or_null(o.capital_usd);
        option["life_years"] = number_or_null(o.life_years);
        option["interest_rate"] = number_or_null(o.interest_rate);
        option["operating_per_hour_usd"] = number_or_null(o.operating_per_hour_usd);
      }
      option["hourly_price_usd"] = number_or_null(o.hourly_price_usd());
      options[o.name] = std::move(option);
    }
    j["purchase"] = std::move(options);
  }
  j["sources"] = sources_json(h.sources);
  return j;
}

// The embedding's and head's type of a model or a format: null when they
// take the layers' width.
Json vocab_dtype_json(const std::optional<DataType>& type) { return type ? Json(to_string(*type)) : Json(); }

// The catalog table's "embedding, head" cell of a format.
std::string vocabulary_storage(const WeightFormat& f) {
  if (f.vocab_dtype) return std::string(to_string(*f.vocab_dtype));
  return f.head ? "as layers, head " + f.head->format : "as layers";
}

Json model_json(const ModelSpec& m) {
  Json j = Json::object();
  j["name"] = m.name;
  j["description"] = m.description;
  j["params_total"] = number_or_null(m.params_total);
  j["params_active"] = number_or_null(m.params_active);
  j["layers"] = m.layers;
  j["hidden_size"] = m.hidden_size;
  j["attention_heads"] = m.attention_heads;
  j["kv_heads"] = m.kv_heads;
  j["head_dim"] = m.head_dim;
  j["experts"] = m.experts;
  j["experts_per_token"] = m.experts_per_token;
  j["vocab_size"] = m.vocab_size;
  j["tied_embeddings"] = m.tied_embeddings;
  j["weight_dtype"] = to_string(m.weight_dtype);
  j["weight_format"] = m.weight_format;
  j["bits_per_weight"] = number_or_null(8.0 * m.bytes_per_weight());
  j["vocab_dtype"] = vocab_dtype_json(m.vocab_dtype);
  j["head_format"] = m.head_storage ? Json(m.head_storage->format) : Json();
  j["kv_dtype"] = to_string(m.kv_dtype);
  j["weight_bytes"] = number_or_null(m.weight_bytes());
  j["kv_bytes_per_token"] = number_or_null(m.kv_bytes_per_token());
  j["sources"] = sources_json(m.sources);
  return j;
}

}  // namespace

std::string render_catalog_table(const Catalog& catalog, const std::vector<WeightFormat>& formats) {
  std::string out = "Hardware (figures per device unless noted; host W per node)\n";
  out += catalog.hardware().empty() ? "  (none)\n" : hardware_table(catalog);
  out += "\nModels\n";
  out += catalog.models().empty() ? "  (none)\n" : model_table(catalog);
  if (!formats.empty()) {
    out += "\nWeight formats (weight_format:)\n";
    text::TextTable table({{"format", Align::left},
                           {"dtype", Align::left},
                           {"bits/weight"},
                           {"embedding, head", Align::left},
                           {"description", Align::left}});
    for (const WeightFormat& f : formats)
      table.add_row({f.name, std::string(to_string(f.dtype)), text::sig(f.bits_per_weight, 4),
                     vocabulary_storage(f), f.description});
    out += table.render("  ");
  }
  if (!catalog.stacks().empty())
    out += "\nServing stacks (engine: {stack: NAME}; overheads per iteration)\n" + render_stack_table(catalog.stacks());
  out += "\nSources\n";
  for (const HardwareSpec& h : catalog.hardware()) sources(out, h.name, h.description, h.sources);
  for (const ModelSpec& m : catalog.models()) sources(out, m.name, m.description, m.sources);
  for (const WeightFormat& f : formats) sources(out, f.name, f.description, f.sources);
  for (const ServingStack& s : catalog.stacks()) sources(out, s.name, s.description, s.sources);
  return out;
}

std::string render_catalog_json(const Catalog& catalog, const std::vector<WeightFormat>& formats) {
  Json j = Json::object();
  j["schema"] = "fleetsim.catalog/1";
  Json hardware = Json::array();
  for (const HardwareSpec& h : catalog.hardware()) hardware.push_back(hardware_json(h));
  j["hardware"] = std::move(hardware);
  Json models = Json::array();
  for (const ModelSpec& m : catalog.models()) models.push_back(model_json(m));
  j["models"] = std::move(models);
  Json format_list = Json::array();
  for (const WeightFormat& f : formats) {
    Json fj = Json::object();
    fj["name"] = f.name;
    fj["description"] = f.description;
    fj["dtype"] = to_string(f.dtype);
    fj["bits_per_weight"] = f.bits_per_weight;
    fj["vocab_dtype"] = vocab_dtype_json(f.vocab_dtype);
    fj["head_format"] = f.head ? Json(f.head->format) : Json();
    fj["sources"] = f.sources;
    format_list.push_back(std::move(fj));
  }
  j["formats"] = std::move(format_list);
  j["stacks"] = stacks_json(catalog.stacks());
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace fleetsim
