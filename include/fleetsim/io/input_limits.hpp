// The documented ranges and sizes of inputs (docs/scenario-format.md,
// "Limits"). A value or input beyond them is refused with the limit in the
// message, never truncated, wrapped or clamped silently.
#pragma once

#include <cstddef>
#include <cstdint>

namespace fleetsim::limits {

// Tokens in one step (prompt_tokens, output_tokens, result_tokens) and a
// workload's context_tokens: far beyond any model's context window, small
// enough that sums over a session stay exact in a double.
inline constexpr double kMaxTokens = 1e7;
// A loop's repeat count per session.
inline constexpr double kMaxRepeat = 1e6;
// Decode iterations per scheduler run (engine scheduler_steps): vLLM
// accepts any count and its users run 8 to 16.
inline constexpr int kMaxSchedulerSteps = 1024;
// A tool call's latency, in seconds: 30 days.
inline constexpr double kMaxStepDuration = 30 * 86400.0;

// YAML input files: scenarios, sweep files, expectations. yaml-cpp takes
// about 0.5 s and 60 MB per MiB, and scenarios are a few KiB.
inline constexpr std::uintmax_t kMaxInputFileBytes = 4u << 20;  // 4 MiB
// JSON input files: reports and sweep JSON lines (a row per point).
inline constexpr std::uintmax_t kMaxJsonFileBytes = 256u << 20;  // 256 MiB
// Request traces a workload replays (CSV or JSON lines), read whole: the
// shipped samples are a few MiB, a week of a busy service a few hundred.
inline constexpr std::uintmax_t kMaxTraceFileBytes = 256u << 20;  // 256 MiB
// A trace streamed from its file (read again as the run goes, never held
// whole; docs/scenario-format.md, "Replaying a request trace").
inline constexpr std::uintmax_t kMaxStreamedTraceFileBytes = std::uintmax_t{16} << 30;  // 16 GiB
// Items in any one YAML list or map of a scenario.
inline constexpr std::size_t kMaxYamlCollection = 100'000;
// YAML nesting depth (lists and maps inside each other).
inline constexpr int kMaxYamlDepth = 64;
// Maps reached through merge keys (<<) from one map, counted with repeats.
inline constexpr std::size_t kMaxMergedMaps = 1'000;

// Points in one sweep, and rows a merge accepts.
inline constexpr std::uint64_t kMaxSweepPoints = 1'000'000;
// Runs of one sweep point (-r).
inline constexpr int kMaxReplications = 10'000;

}  // namespace fleetsim::limits
