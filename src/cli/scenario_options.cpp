#include "scenario_options.hpp"

#include <charconv>
#include <iostream>
#include <limits>

#include <fmt/format.h>

#include "active_catalog.hpp"
#include "child_runs.hpp"
#include "cli_support.hpp"
#include "fleetsim/io/catalog.hpp"

namespace fleetsim {

CLI::Option* add_set_option(CLI::App* cmd, std::vector<std::string>& settings, const std::string& help) {
  return cmd->add_option("--set", settings, help)
      ->allow_extra_args(false)  // one PATH=VALUE per --set: a scenario after it stays positional
      ->type_name("PATH=VALUE")
      ->check([](const std::string& text) -> std::string {
        const auto eq = text.find('=');
        if (eq == std::string::npos || eq == 0)
          return "expected PATH=VALUE, e.g. fleet.pools.gpu.count=2 or workloads.chat.arrivals.rate=3/s";
        return {};
      });
}

CLI::Option* add_seed_option(CLI::App* cmd, std::optional<std::uint64_t>& seed, const std::string& help) {
  return cmd->add_option("--seed", seed, help)
      ->type_name("N")
      ->check([](const std::string& text) -> std::string {
        // Checked before CLI11 converts: its conversion would wrap "-1".
        std::uint64_t n = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
        if (ec == std::errc() && end == text.data() + text.size()) return {};
        return fmt::format("expected a whole number in 0..{}, found \"{}\"{}",
                           std::numeric_limits<std::uint64_t>::max(), text,
                           ec == std::errc::result_out_of_range ? " (too large)" : "");
      });
}

bool read_shard_option(const std::string& text, Shard& shard) {
  const std::optional<Shard> parsed = parse_shard(text);
  if (!parsed) {
    std::cerr << "fleetsim: error: --shard " << text << ": expected K/N with 1 <= K <= N, e.g. 3/8\n";
    return false;
  }
  shard = *parsed;
  return true;
}

CLI::Validator jobs_range() {
  return CLI::Validator(
      [](const std::string& text) -> std::string {
        int n = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
        if (ec == std::errc() && end == text.data() + text.size() && n >= 1 && n <= kMaxJobs) return {};
        return fmt::format("expected a whole number of runs in parallel from 1 to {}, found \"{}\"", kMaxJobs, text);
      },
      "1..4096");
}

CLI::Option* add_timeout_option(CLI::App* cmd, double& seconds) {
  return cmd
      ->add_option("--timeout", seconds,
                   "Stop a simulation (child fleetsim run) after SECONDS of wall time and count it as failed "
                   "(default: none)")
      ->type_name("SECONDS")
      ->check(CLI::Range(0.001, 1e7));
}

void add_child_run_options(CLI::App* cmd, int& jobs, double& timeout_s, LimitOptions& limits, bool& progress) {
  cmd->add_option("-j,--jobs", jobs, "Runs in parallel (default: the number of cores)")->check(jobs_range());
  add_timeout_option(cmd, timeout_s);
  add_limit_options(cmd, limits);
  cmd->add_flag("!--no-progress", progress, "Do not log progress");
}

CLI::Option* add_output_option(CLI::App* cmd, std::string& output) {
  return cmd
      ->add_option("-o,--output", output, "Write to FILE (atomically; a device or FIFO in place) instead of stdout")
      ->type_name("FILE");
}

std::pair<std::string, std::string> split_setting(const std::string& setting) {
  const auto eq = setting.find('=');
  if (eq == std::string::npos) return {setting, ""};
  return {setting.substr(0, eq), setting.substr(eq + 1)};
}

Overrides split_settings(const std::vector<std::string>& settings) {
  Overrides out;
  for (const auto& s : settings) out.push_back(split_setting(s));
  return out;
}

WorkflowLoad load_and_report(const std::string& path, const std::string& variant, const Overrides& overrides,
                             const std::string& cell, double traffic_scale) {
  LoadOptions options;
  options.variant = variant;
  options.cell = cell;
  options.traffic_scale = traffic_scale;
  options.overrides = overrides;
  WorkflowLoad result = load_scenario_file_with_sections(path, active_catalog(), options);
  print_diagnostics(result.diagnostics);
  if (!result.ok())
    std::cerr << path << ": " << plural(count_errors(result.diagnostics), "error") << ", nothing was run\n";
  return result;
}

}  // namespace fleetsim
