#include "fleetsim/core/precision.hpp"

#include "fleetsim/core/hardware.hpp"

namespace fleetsim {

double bytes_per_element(DataType t) {
  switch (t) {
    case DataType::bf16:
    case DataType::fp16:
      return 2.0;
    case DataType::fp8:
    case DataType::int8:
      return 1.0;
    case DataType::int4:
    case DataType::fp4:
      return 0.5;
  }
  return 2.0;
}

std::string_view to_string(DataType t) {
  switch (t) {
    case DataType::bf16:
      return "bf16";
    case DataType::fp16:
      return "fp16";
    case DataType::fp8:
      return "fp8";
    case DataType::int8:
      return "int8";
    case DataType::int4:
      return "int4";
    case DataType::fp4:
      return "fp4";
  }
  return "?";
}

std::optional<DataType> parse_data_type(std::string_view text) {
  for (DataType t : {DataType::bf16, DataType::fp16, DataType::fp8, DataType::int8, DataType::int4, DataType::fp4})
    if (text == to_string(t)) return t;
  return std::nullopt;
}

DataType compute_type_for(DataType weights) {
  switch (weights) {
    case DataType::fp8:
      return DataType::fp8;
    case DataType::fp4:
      return DataType::fp4;
    case DataType::int8:
    case DataType::int4:
      return DataType::int8;
    case DataType::fp16:
      return DataType::fp16;
    case DataType::bf16:
      return DataType::bf16;
  }
  return DataType::bf16;
}

std::optional<double> HardwareSpec::peak_flops_for(DataType compute) const {
  auto find = [&](DataType t) -> std::optional<double> {
    auto it = peak_flops.find(t);
    if (it == peak_flops.end()) return std::nullopt;
    return it->second;
  };
  if (auto v = find(compute)) return v;
  if (compute == DataType::fp16) return find(DataType::bf16);
  if (compute == DataType::int4)
    if (auto v = find(DataType::int8)) return v;
  if (compute == DataType::fp4)
    if (auto v = find(DataType::fp8)) return v;
  return find(DataType::bf16);
}

bool HardwareSpec::has_matrix_units_for(DataType compute) const {
  if (compute == DataType::bf16 || compute == DataType::fp16) return true;
  return peak_flops.count(compute) > 0;
}

}  // namespace fleetsim
