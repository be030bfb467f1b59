// libFuzzer target: the sweep JSON-lines reader (fleetsim merge) on arbitrary
// bytes, one file or split into two shards at the first form feed.
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "fleetsim/workflows/sweep_results.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<std::pair<std::string, std::string>> files;
  const auto split = text.find('\f');
  if (split == std::string::npos) {
    files.emplace_back("a.jsonl", text);
  } else {
    files.emplace_back("a.jsonl", text.substr(0, split));
    files.emplace_back("b.jsonl", text.substr(split + 1));
  }
  const fleetsim::MergedSweep merged = fleetsim::merge_sweep_shards(files);
  if (merged.ok()) (void)fleetsim::sweep_csv(merged.rows, merged.header.replications);
  return 0;
}
