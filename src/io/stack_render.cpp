#include "stack_render.hpp"

#include <fmt/format.h>

#include "fleetsim/io/report_text.hpp"
#include "stack_entry.hpp"

namespace fleetsim {
namespace {

using Json = nlohmann::ordered_json;
using Align = report_text::TextTable::Align;

std::string micros(double seconds) { return report_text::sig(seconds * 1e6, 3); }

template <typename T>
std::string or_dash(const std::optional<T>& v) {
  return v ? std::to_string(*v) : "-";
}

std::string layout_name(KvLayout l) { return choice_name(kv_layout_choices(), l); }

// "memory/compute", and "/kv X" only where a stack gives a KV share.
std::string kernel_efficiency_text(const KernelEfficiency& k) {
  std::string text = fmt::format("{:g}/{:g}", k.memory, k.compute);
  if (k.kv != 1.0) text += fmt::format("/kv {:g}", k.kv);
  return text;
}

template <typename T>
Json or_null(const std::optional<T>& v) {
  return v ? Json(*v) : Json(nullptr);
}

}  // namespace

std::string render_stack_table(const std::vector<ServingStack>& stacks) {
  report_text::TextTable table({{"stack", Align::left},
                                {"fixed us"},
                                {"per seq us"},
                                {"per token us"},
                                {"API server"},
                                {"beside us/seq"},
                                {"path ms"},
                                {"path us/prompt token"},
                                {"chunked", Align::left},
                                {"max tokens"},
                                {"max batch"},
                                {"sched steps"},
                                {"admission", Align::left},
                                {"KV layout", Align::left},
                                {"kernels/layer"},
                                {"syncs/layer"},
                                {"serial"},
                                {"attn F/cycle"},
                                {"dequant rows"},
                                {"expert passes"},
                                {"kernels m/c"},
                                {"CUDA graphs", Align::left}});
  for (const ServingStack& s : stacks) {
    table.add_row({s.name, micros(s.overhead.fixed_s), micros(s.overhead.per_sequence_s),
                   micros(s.overhead.per_output_token_s),
                   s.overhead.api_server_share > 0 ? fmt::format("{:g}", s.overhead.api_server_share) : "-",
                   s.overlapped_host.per_sequence_s > 0 ? micros(s.overlapped_host.per_sequence_s) : "-",
                   s.request_path.priced() ? fmt::format("{:g}", s.request_path.fixed_s * 1e3) : "-",
                   s.request_path.priced() ? fmt::format("{:g}", s.request_path.per_prompt_token_s * 1e6) : "-",
                   s.chunked_prefill ? (*s.chunked_prefill ? "on" : s.mixed_batches.value_or(false) ? "mixed" : "off") : "-", or_dash(s.max_batched_tokens),
                   or_dash(s.max_batch_size), or_dash(s.scheduler_steps), s.kv_admission.value_or("-"),
                   s.kv_layout ? layout_name(*s.kv_layout) : "-",
                   s.kernels_per_layer > 0 ? fmt::format("{:g}", s.kernels_per_layer) : "-",
                   s.sync_points_per_layer > 0 ? fmt::format("{:g}", s.sync_points_per_layer) : "-",
                   s.serial_fraction > 0 ? fmt::format("{:g}", s.serial_fraction) : "-",
                   s.attention_flops_per_cycle > 0 ? fmt::format("{:g}", s.attention_flops_per_cycle) : "-",
                   s.dequant_kernel_rows > 0 ? fmt::format("{}", s.dequant_kernel_rows) : "-",
                   s.expert_token_passes ? fmt::format("{:g}", *s.expert_token_passes) : "-",
                   s.kernel_efficiency == KernelEfficiency{} ? "-" : kernel_efficiency_text(s.kernel_efficiency),
                   s.cuda_graphs ? "yes" : "no"});
  }
  return table.render("  ");
}

Json stacks_json(const std::vector<ServingStack>& stacks) {
  Json list = Json::array();
  for (const ServingStack& s : stacks) {
    Json j = Json::object();
    j["name"] = s.name;
    j["description"] = s.description;
    j["overhead_fixed_s"] = s.overhead.fixed_s;
    j["overhead_per_sequence_s"] = s.overhead.per_sequence_s;
    j["overhead_per_output_token_s"] = s.overhead.per_output_token_s;
    j["overhead_api_server_share"] = s.overhead.api_server_share;
    j["overlapped_host_fixed_s"] = s.overlapped_host.fixed_s;
    j["overlapped_host_per_sequence_s"] = s.overlapped_host.per_sequence_s;
    j["overlapped_host_per_output_token_s"] = s.overlapped_host.per_output_token_s;
    j["request_path_fixed_s"] = s.request_path.fixed_s;
    j["request_path_per_prompt_token_s"] = s.request_path.per_prompt_token_s;
    j["chunked_prefill"] = or_null(s.chunked_prefill);
    j["mixed_batches"] = or_null(s.mixed_batches);
    j["max_batched_tokens"] = or_null(s.max_batched_tokens);
    j["max_batch_size"] = or_null(s.max_batch_size);
    j["scheduler_steps"] = or_null(s.scheduler_steps);
    j["kv_admission"] = s.kv_admission ? Json(*s.kv_admission) : Json(nullptr);
    j["kv_layout"] = s.kv_layout ? Json(layout_name(*s.kv_layout)) : Json(nullptr);
    j["kernels_per_layer"] = s.kernels_per_layer;
    j["sync_points_per_layer"] = s.sync_points_per_layer;
    j["serial_fraction"] = s.serial_fraction;
    j["attention_flops_per_cycle"] = s.attention_flops_per_cycle;
    j["format_efficiency"] = s.format_efficiency;
    j["format_core_bandwidth"] = s.format_core_bandwidth;
    j["dot_product_formats"] = s.dot_product_formats;
    j["dequant_kernel_rows"] = s.dequant_kernel_rows;
    j["expert_token_passes"] = or_null(s.expert_token_passes);
    j["attention_score_bytes"] = or_null(s.attention_score_bytes);
    j["kernel_efficiency"] = {{"memory", s.kernel_efficiency.memory},
                              {"compute", s.kernel_efficiency.compute},
                              {"kv", s.kernel_efficiency.kv}};
    j["cuda_graphs"] = s.cuda_graphs;
    j["sources"] = s.sources;
    list.push_back(std::move(j));
  }
  return list;
}

}  // namespace fleetsim
