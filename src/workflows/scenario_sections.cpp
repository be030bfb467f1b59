#include "fleetsim/workflows/scenario_sections.hpp"

#include <utility>

#include "expectations_reader.hpp"
#include "fleetsim/io/scenario_section.hpp"
#include "plan_reader.hpp"

namespace fleetsim {
namespace {

class ExpectSection final : public ScenarioSectionReader {
 public:
  explicit ExpectSection(std::vector<Expectation>& out) : out_(out) {}
  const char* key() const override { return "expect"; }
  void read(const YAML::Node& section, const ScenarioSoFar& scenario) override {
    out_ = read_expectations(scenario.reader(), section, "expect");
  }

 private:
  std::vector<Expectation>& out_;
};

class PlanSection final : public ScenarioSectionReader {
 public:
  explicit PlanSection(std::optional<PlanSpec>& out) : out_(out) {}
  const char* key() const override { return "plan"; }
  void read(const YAML::Node& section, const ScenarioSoFar& scenario) override { out_ = read_plan(scenario, section); }

 private:
  std::optional<PlanSpec>& out_;
};

// Runs `load` (which loads with the options it is given) with the two
// workflow readers installed, `expect:` first: the order the loader read them
// in when it owned them, which orders diagnostics at the same place alike.
template <typename Load>
WorkflowLoad load_with_sections(const LoadOptions& options, Load load) {
  WorkflowLoad result;
  ExpectSection expect(result.expectations);
  PlanSection plan(result.plan);
  LoadOptions with_sections = options;
  with_sections.sections.push_back(&expect);
  with_sections.sections.push_back(&plan);
  static_cast<LoadResult&>(result) = load(with_sections);
  return result;
}

}  // namespace

WorkflowLoad load_scenario_file_with_sections(const std::string& path, const Catalog& catalog,
                                              const LoadOptions& options) {
  return load_with_sections(options, [&](const LoadOptions& o) { return load_scenario_file(path, catalog, o); });
}

WorkflowLoad load_scenario_text_with_sections(const std::string& yaml_text, const std::string& file_label,
                                              const Catalog& catalog, const LoadOptions& options) {
  return load_with_sections(options,
                            [&](const LoadOptions& o) { return load_scenario_text(yaml_text, file_label, catalog, o); });
}

}  // namespace fleetsim
