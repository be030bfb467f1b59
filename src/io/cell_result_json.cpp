#include "fleetsim/io/cell_result.hpp"

#include <cmath>
#include <limits>

#include "fleetsim/io/report_reader.hpp"
#include "report_json.hpp"

namespace fleetsim {
namespace {

using Json = nlohmann::ordered_json;

// Buckets a sketch read back may hold: a latency range of 1e-9 s to 1e9 s
// at 0.5% is about 4,100; far more is not a sketch fleetsim wrote.
constexpr std::size_t kMaxSketchBuckets = 1'000'000;

struct Invalid {
  std::string message;
};

[[noreturn]] void fail(const std::string& where, const std::string& problem) { throw Invalid{where + ": " + problem}; }

const Json& member(const Json& object, const std::string& where, const char* key) {
  if (!object.is_object()) fail(where, "expected an object");
  const auto it = object.find(key);
  if (it == object.end()) fail(where.empty() ? key : where + "." + key, "missing");
  return *it;
}

std::string join(const std::string& where, const char* key) { return where.empty() ? key : where + "." + key; }

double finite(const Json& object, const std::string& where, const char* key) {
  const Json& v = member(object, where, key);
  if (!v.is_number() || !std::isfinite(v.get<double>())) fail(join(where, key), "expected a finite number");
  return v.get<double>();
}

template <typename Integer>
Integer whole(const Json& v, const std::string& where) {
  using Limits = std::numeric_limits<Integer>;
  if (v.is_number_unsigned() && v.get<std::uint64_t>() <= static_cast<std::uint64_t>(Limits::max()))
    return static_cast<Integer>(v.get<std::uint64_t>());
  if (v.is_number_integer() && !v.is_number_unsigned()) {
    const auto x = v.get<std::int64_t>();
    if (x >= static_cast<std::int64_t>(Limits::min()) &&
        (x < 0 || static_cast<std::uint64_t>(x) <= static_cast<std::uint64_t>(Limits::max())))
      return static_cast<Integer>(x);
  }
  fail(where, "expected a whole number in range");
}

template <typename Integer>
Integer whole(const Json& object, const std::string& where, const char* key) {
  return whole<Integer>(member(object, where, key), join(where, key));
}

std::string text_field(const Json& object, const std::string& where, const char* key) {
  const Json& v = member(object, where, key);
  if (!v.is_string()) fail(join(where, key), "expected text");
  return v.get<std::string>();
}

Json sketch_json(const QuantileSketch& sketch) {
  const QuantileSketch::State s = sketch.state();
  Json j = Json::object();
  j["relative_accuracy"] = s.relative_accuracy;
  j["count"] = s.count;
  j["zeros"] = s.zeros;
  j["sum"] = s.sum;
  j["min"] = s.min;
  j["max"] = s.max;
  j["offset"] = s.offset;
  j["counts"] = s.counts;
  return j;
}

// A sketch's state, checked to be one a sketch could hold.
QuantileSketch read_sketch(const Json& j, const std::string& where) {
  QuantileSketch::State s;
  s.relative_accuracy = finite(j, where, "relative_accuracy");
  if (!(s.relative_accuracy > 0.0 && s.relative_accuracy < 1.0)) fail(join(where, "relative_accuracy"), "not in (0, 1)");
  s.count = whole<std::uint64_t>(j, where, "count");
  s.zeros = whole<std::uint64_t>(j, where, "zeros");
  s.sum = finite(j, where, "sum");
  s.min = finite(j, where, "min");
  s.max = finite(j, where, "max");
  s.offset = whole<int>(j, where, "offset");
  const Json& counts = member(j, where, "counts");
  const std::string at = join(where, "counts");
  if (!counts.is_array()) fail(at, "expected a list");
  if (counts.size() > kMaxSketchBuckets) fail(at, "more buckets than a sketch holds");
  std::uint64_t total = s.zeros;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    s.counts.push_back(whole<std::uint64_t>(counts[i], at + "." + std::to_string(i)));
    total += s.counts.back();
  }
  if (total != s.count) fail(where, "zeros and counts do not add up to count");
  if (s.count > 0 && !(s.min >= 0.0 && s.min <= s.max)) fail(where, "min and max out of order");
  if (s.offset < std::numeric_limits<int>::min() / 2 || s.offset > std::numeric_limits<int>::max() / 2)
    fail(join(where, "offset"), "out of range");
  return QuantileSketch::from_state(s);
}

const char* const kSketches[] = {"ttft_s", "tpot_s", "call_latency_s", "session_latency_s"};

QuantileSketch WorkloadMeasures::*const kSketchMembers[] = {&WorkloadMeasures::ttft_s, &WorkloadMeasures::tpot_s,
                                                             &WorkloadMeasures::call_latency_s,
                                                             &WorkloadMeasures::session_latency_s};

}  // namespace

nlohmann::ordered_json cell_run_to_json(const CellRun& run) {
  Json j = Json::object();
  j["schema"] = kCellSchema;
  j["name"] = run.name;
  j["traffic_scale"] = run.traffic_scale;
  j["seed"] = run.seed;
  j["report"] = report_to_json(run.report);
  Json workloads = Json::array();
  for (const WorkloadMeasures& m : run.measures.workloads) {
    Json w = Json::object();
    w["name"] = m.name;
    w["sessions_met_slo"] = m.sessions_met_slo;
    w["cached_tokens"] = m.cached_tokens;
    w["shared_prefix_cached_tokens"] = m.shared_prefix_cached_tokens;
    for (std::size_t k = 0; k < std::size(kSketches); ++k) w[kSketches[k]] = sketch_json(m.*kSketchMembers[k]);
    workloads.push_back(std::move(w));
  }
  const OccupancyIntegral& o = run.measures.occupancy;
  j["measures"] = {{"workloads", std::move(workloads)},
                   {"occupancy",
                    {{"area", o.area},
                     {"arrivals", o.arrivals},
                     {"completed_time_s", o.completed_time_s},
                     {"completed", o.completed}}}};
  return j;
}

std::optional<CellRun> cell_run_from_json(const nlohmann::ordered_json& json, std::string& error) {
  try {
    if (text_field(json, "", "schema") != kCellSchema) fail("schema", "is not " + std::string(kCellSchema));
    CellRun run;
    run.name = text_field(json, "", "name");
    run.traffic_scale = finite(json, "", "traffic_scale");
    run.seed = whole<std::uint64_t>(json, "", "seed");
    std::string why;
    std::optional<Report> report = report_from_json(member(json, "", "report"), why);
    if (!report) fail("report", why);
    if (!report->cells.empty()) fail("report", "a cell's report cannot have cells of its own");
    run.report = std::move(*report);
    const Json& measures = member(json, "", "measures");
    const Json& workloads = member(measures, "measures", "workloads");
    if (!workloads.is_array()) fail("measures.workloads", "expected a list");
    for (std::size_t i = 0; i < workloads.size(); ++i) {
      const std::string where = "measures.workloads." + std::to_string(i);
      const Json& w = workloads[i];
      WorkloadMeasures m;
      m.name = text_field(w, where, "name");
      m.sessions_met_slo = whole<std::int64_t>(w, where, "sessions_met_slo");
      m.cached_tokens = finite(w, where, "cached_tokens");
      m.shared_prefix_cached_tokens = finite(w, where, "shared_prefix_cached_tokens");
      for (std::size_t k = 0; k < std::size(kSketches); ++k)
        m.*kSketchMembers[k] = read_sketch(member(w, where, kSketches[k]), join(where, kSketches[k]));
      run.measures.workloads.push_back(std::move(m));
    }
    const Json& o = member(measures, "measures", "occupancy");
    run.measures.occupancy.area = finite(o, "measures.occupancy", "area");
    run.measures.occupancy.arrivals = whole<std::int64_t>(o, "measures.occupancy", "arrivals");
    run.measures.occupancy.completed_time_s = finite(o, "measures.occupancy", "completed_time_s");
    run.measures.occupancy.completed = whole<std::int64_t>(o, "measures.occupancy", "completed");
    return run;
  } catch (const Invalid& e) {
    error = e.message;
  }
  return std::nullopt;
}

}  // namespace fleetsim
