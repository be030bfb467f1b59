// Numeric formats of weights, KV cache and matrix units.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace fleetsim {

enum class DataType { bf16, fp16, fp8, int8, int4, fp4 };

double bytes_per_element(DataType t);
std::string_view to_string(DataType t);
std::optional<DataType> parse_data_type(std::string_view text);

// The matrix-unit type an engine computes in for weights stored as `weights`:
// fp8 runs on fp8 units, int8 on int8 units; int4 weights are unpacked to int8
// (llama.cpp Q4 on CPUs), fp4 (NVFP4, MXFP4) runs on fp4 units where the
// device has them, bf16 as bf16 and fp16 as fp16. fp16 is its own type because
// CPUs multiply the two differently (Arm cores have a bf16 matrix instruction,
// BFMMLA, and only vector FMAs for fp16); a device that lists no fp16 peak
// runs it at its bf16 peak (HardwareSpec::peak_flops_for), as every GPU does.
DataType compute_type_for(DataType weights);

}  // namespace fleetsim
