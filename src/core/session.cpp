#include "fleetsim/core/session.hpp"

#include <algorithm>
#include <cmath>

namespace fleetsim {
namespace {

// The loader bounds every token count and repeat (input_limits.hpp) far
// below this; the clamp keeps the rounding defined (llround of a value past
// LONG_MAX, or of NaN, is unspecified) for distributions built in code.
constexpr double kMaxRoundable = 1e15;
double roundable(double x) { return x > 0.0 ? std::min(x, kMaxRoundable) : 0.0; }  // NaN -> 0

// The branch a choose step runs: branch i for a uniform draw in
// [p_0 + ... + p_(i-1), p_0 + ... + p_i); the last one takes any rounding gap.
const std::vector<Step>* chosen_branch(const Step& step, Rng& rng) {
  if (step.branches.empty()) return nullptr;
  const double u = rng.uniform01();
  double upto = 0.0;
  for (std::size_t i = 0; i + 1 < step.branches.size(); ++i) {
    upto += step.branch_p[i];
    if (u < upto) return &step.branches[i];
  }
  return &step.branches.back();
}

}  // namespace

StepCursor::StepCursor(const std::vector<Step>* steps) {
  if (steps != nullptr) push({steps, 0, 0, 0.0});
}

void StepCursor::push(const Frame& frame) {
  if (depth_ < kInlineFrames)
    inline_[depth_] = frame;
  else
    deeper_.push_back(frame);
  ++depth_;
}

void StepCursor::pop() {
  if (depth_ > kInlineFrames) deeper_.pop_back();
  --depth_;
}

const Step* StepCursor::next(Rng& rng) {
  while (depth_ > 0) {
    Frame& f = top();
    if (f.index < f.steps->size()) {
      const Step* step = &(*f.steps)[f.index++];
      if (step->kind == Step::Kind::loop) {
        const long n = std::lround(roundable(step->repeat.sample(rng)));
        if (n > 0 && !step->body.empty()) push({&step->body, 0, n - 1, step->exit_probability});
        continue;
      }
      if (step->kind == Step::Kind::choose) {
        if (const std::vector<Step>* branch = chosen_branch(*step, rng)) push({branch, 0, 0, 0.0});
        continue;
      }
      return step;
    }
    // A loop without an exit probability draws nothing here, so plain chains
    // draw exactly what they drew before exits existed.
    if (f.repeats_left > 0 && !(f.exit_probability > 0.0 && rng.uniform01() < f.exit_probability)) {
      --f.repeats_left;
      f.index = 0;
      continue;
    }
    pop();
  }
  return nullptr;
}

long draw_tokens(const Distribution& d, Rng& rng, long floor) {
  const double x = d.sample(rng);
  return std::max(floor, static_cast<long>(std::llround(roundable(x))));
}

}  // namespace fleetsim
