// libFuzzer target: the scenario loader on arbitrary bytes. It must return
// diagnostics, never crash, hang or allocate past the input limits.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fleetsim/io/catalog.hpp"
#include "fleetsim/workflows/scenario_sections.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const fleetsim::LoadResult result = fleetsim::load_scenario_text_with_sections(text, "fuzz.yaml", fleetsim::Catalog::builtin());
  (void)result;
  return 0;
}
