// What run and the planning commands share: the repeatable `--set PATH=VALUE`
// option, and loading a scenario with its overrides, diagnostics printed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include "fleetsim/workflows/scenario_sections.hpp"
#include "fleetsim/workflows/sweep.hpp"
#include "resource_guard.hpp"

namespace fleetsim {

using Overrides = std::vector<std::pair<std::string, std::string>>;

// Adds `--set PATH=VALUE` (repeatable; each takes one argument) to `cmd`.
CLI::Option* add_set_option(CLI::App* cmd, std::vector<std::string>& settings, const std::string& help);

// Adds `--seed N`, which accepts exactly the whole numbers 0..2^64-1: "-1"
// or 2^64 are refused rather than wrapped or saturated.
CLI::Option* add_seed_option(CLI::App* cmd, std::optional<std::uint64_t>& seed, const std::string& help);

// `--shard K/N` read into `shard`; false after saying what was wrong (a bad
// command line: exit 2).
bool read_shard_option(const std::string& text, Shard& shard);

// The check of -j: 1..kMaxJobs, in words ("expected 1 to 4096 runs in parallel").
CLI::Validator jobs_range();

// Adds `--timeout SECONDS` for a workflow's child runs (ChildLimits).
CLI::Option* add_timeout_option(CLI::App* cmd, double& seconds);

// What every workflow that runs its scenarios as child processes takes: -j,
// --timeout, the resource limits passed on to each child, and --no-progress.
void add_child_run_options(CLI::App* cmd, int& jobs, double& timeout_s, LimitOptions& limits, bool& progress);

// `-o,--output FILE` for a workflow's one written result (atomically; a device
// or FIFO in place), stdout when absent.
CLI::Option* add_output_option(CLI::App* cmd, std::string& output);

// "PATH=VALUE" -> {PATH, VALUE}, split at the first '=' (add_set_option
// guarantees there is one).
std::pair<std::string, std::string> split_setting(const std::string& setting);
Overrides split_settings(const std::vector<std::string>& settings);

// Loads and validates a scenario, printing every diagnostic to stderr and, on
// errors, "FILE: N errors, nothing was run". The result's `ok()` says which.
// `cell`: only that entry of the file's cells: (docs/cells.md); empty: the whole scenario.
// `traffic_scale` multiplies every arrival rate (LoadOptions::traffic_scale).
WorkflowLoad load_and_report(const std::string& path, const std::string& variant, const Overrides& overrides,
                             const std::string& cell = {}, double traffic_scale = 1.0);

}  // namespace fleetsim
