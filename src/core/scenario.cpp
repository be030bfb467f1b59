#include "fleetsim/core/scenario.hpp"

#include <algorithm>

namespace fleetsim {
namespace {

template <typename T, typename Key>
const T* find_by(const std::vector<T>& items, const Key& key, std::string T::*field) {
  auto it = std::find_if(items.begin(), items.end(), [&](const T& x) { return x.*field == key; });
  return it == items.end() ? nullptr : &*it;
}

}  // namespace

const ModelSpec* Scenario::find_model(const std::string& name) const {
  return find_by(models, name, &ModelSpec::name);
}

const Pool* Scenario::find_pool(const std::string& name) const {
  return find_by(pools, name, &Pool::name);
}

const ToolPoolSpec* Scenario::find_tool_pool(const std::string& name) const {
  return find_by(tool_pools, name, &ToolPoolSpec::name);
}

const Route* Scenario::find_route(const std::string& model) const {
  return find_by(routes, model, &Route::model);
}

bool uses_graph_steps(const std::vector<Step>& steps) {
  for (const Step& step : steps) {
    if (step.kind == Step::Kind::choose || step.kind == Step::Kind::parallel || step.kind == Step::Kind::agent)
      return true;
    if (step.kind == Step::Kind::loop && (step.exit_probability > 0.0 || uses_graph_steps(step.body))) return true;
  }
  return false;
}

}  // namespace fleetsim
