#include "resource_guard.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <limits>
#include <new>
#include <variant>

#include <fmt/format.h>
#include <unistd.h>

#include "fleetsim/core/units.hpp"

namespace fleetsim {
namespace {

// Resident memory of this process, from /proc/self/statm; 0 if unknown.
double resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  double pages_total = 0, pages_resident = 0;
  if (!(statm >> pages_total >> pages_resident)) return 0.0;
  return pages_resident * static_cast<double>(::sysconf(_SC_PAGESIZE));
}

std::string bytes(double b) { return format_quantity(b, Dimension::bytes); }
// "2.4e+12"; an estimate that overflowed shows as the largest double.
std::string figure(double x) {
  return fmt::format("{:.3g}", std::isfinite(x) ? x : std::numeric_limits<double>::max());
}

[[noreturn]] void stop(const std::string& scenario, const std::string& why) {
  std::cerr << "fleetsim: error: " << scenario << ": stopped: " << why << "; nothing was written\n";
  std::cerr.flush();
  std::_Exit(1);  // from inside the engine: no SimGrid teardown half-way through a run
}

void out_of_memory() {
  // No allocation here: the heap is exhausted.
  static const char message[] =
      "fleetsim: error: out of memory: an allocation failed while simulating; nothing was written\n"
      "  hint: lower --max-memory below the free memory, or shorten the run\n";
  const ssize_t ignored = ::write(2, message, sizeof message - 1);
  (void)ignored;
  std::_Exit(1);
}

}  // namespace

CLI::Validator quantity_of(Dimension dimension, double& target, double min) {
  return CLI::Validator(
      [dimension, &target, min](std::string& text) -> std::string {
        const auto parsed = dimension == Dimension::dimensionless ? parse_count(text) : parse_quantity(text, dimension);
        if (const auto* why = std::get_if<std::string>(&parsed)) return *why;
        const double value = std::get<double>(parsed);
        if (!(value >= min)) return fmt::format("expected at least {}, found \"{}\"", min, text);
        target = value;
        return {};
      },
      std::string(to_string(dimension)));
}

void exit_cleanly_when_out_of_memory() { std::set_new_handler(out_of_memory); }

double default_max_memory() {
  const long pages = ::sysconf(_SC_PHYS_PAGES), size = ::sysconf(_SC_PAGESIZE);
  if (pages <= 0 || size <= 0) return 8.0 * (1 << 30);
  return 0.8 * static_cast<double>(pages) * static_cast<double>(size);
}

void add_limit_options(CLI::App* cmd, LimitOptions& o) {
  o.limits.max_memory_bytes = default_max_memory();
  auto keep = [&o](const char* name) {
    return [&o, name](const std::string& text) { o.arguments.insert(o.arguments.end(), {name, text}); };
  };
  cmd->add_option_function<std::string>("--max-memory", keep("--max-memory"),
                                        "Refuse or stop a run that needs more memory (default: 80% of the machine's)")
      ->type_name("BYTES")
      ->check(quantity_of(Dimension::bytes, o.limits.max_memory_bytes, 1.0));
  cmd->add_option_function<std::string>("--max-events", keep("--max-events"),
                                        "Refuse or stop a run of more engine events (default: 1e9)")
      ->type_name("N")
      ->check(quantity_of(Dimension::dimensionless, o.limits.max_events, 1.0));
  cmd->add_option_function<std::string>("--max-wall", keep("--max-wall"),
                                        "Refuse or stop a run that takes longer, e.g. 30min (default: no limit)")
      ->type_name("DURATION")
      ->check(quantity_of(Dimension::duration, o.limits.max_wall_s, 1e-3));
}

std::string exceeded_limit(const WorkEstimate& e, const ResourceLimits& limits) {
  const std::string basis =
      fmt::format("{} sessions, at least {} in flight at the peak rate", figure(e.sessions), figure(e.peak_in_flight));
  if (!(e.events <= limits.max_events))
    return fmt::format("the run would take at least {} engine events ({}); the limit is {} (--max-events)",
                       figure(e.events), basis, figure(limits.max_events));
  if (!(e.memory_bytes <= limits.max_memory_bytes))
    return fmt::format("the run would need at least {} of memory ({}); the limit is {} (--max-memory)",
                       bytes(e.memory_bytes), basis, bytes(limits.max_memory_bytes));
  // Faster than any run goes: the estimate stays a lower bound.
  constexpr double kEventsPerSecondCeiling = 1e8;
  const double wall = e.events / kEventsPerSecondCeiling;
  if (limits.max_wall_s > 0 && wall > limits.max_wall_s)
    return fmt::format("the run would take at least {} ({} engine events); the limit is {} (--max-wall)",
                       format_quantity(wall, Dimension::duration), figure(e.events),
                       format_quantity(limits.max_wall_s, Dimension::duration));
  return {};
}

void watch_resources(SimulationOptions& options, const ResourceLimits& limits, const std::string& scenario) {
  const auto started = std::chrono::steady_clock::now();
  options.on_progress = [limits, scenario, started](double simulated_s, long events) {
    if (static_cast<double>(events) > limits.max_events)
      stop(scenario, fmt::format("{} engine events by {} simulated, past the limit of {:.3g} (--max-events)", events,
                                 format_quantity(simulated_s, Dimension::duration), limits.max_events));
    if (const double rss = resident_bytes(); rss > limits.max_memory_bytes)
      stop(scenario, fmt::format("{} of memory in use by {} simulated, past the limit of {} (--max-memory)", bytes(rss),
                                 format_quantity(simulated_s, Dimension::duration), bytes(limits.max_memory_bytes)));
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (limits.max_wall_s > 0 && wall > limits.max_wall_s)
      stop(scenario, fmt::format("{} of wall time by {} simulated, past the limit of {} (--max-wall)",
                                 format_quantity(wall, Dimension::duration),
                                 format_quantity(simulated_s, Dimension::duration),
                                 format_quantity(limits.max_wall_s, Dimension::duration)));
  };
}

}  // namespace fleetsim
