#include "fleetsim/event_agenda.hpp"

namespace fleetsim {

EventAgenda::EventAgenda(std::size_t replicas) {
  while (width_ < replicas) width_ *= 2;
  tree_.assign(2 * width_, Due{});
}

void EventAgenda::set_leaf(std::uint32_t replica, const Due& due) {
  std::size_t node = width_ + replica;
  tree_[node] = due;
  for (node /= 2; node >= 1; node /= 2) {
    const Due& left = tree_[2 * node];
    const Due& right = tree_[2 * node + 1];
    tree_[node] = right.before(left) ? right : left;
  }
}

void EventAgenda::clear_popped() {
  if (!popped_pending_) return;
  popped_pending_ = false;
  if (tree_[width_ + popped_.target].order == popped_.order) set_leaf(popped_.target, Due{});
}

void EventAgenda::schedule(double at_s, const AgendaEvent& event) {
  const Due due{at_s, next_order_++, event.target};
  if (event.kind == AgendaEvent::Kind::replica)
    set_leaf(event.target, due);
  else
    tools_.push(due);
}

double EventAgenda::next_at() {
  clear_popped();
  const double tool = tools_.empty() ? kNever : tools_.top().at_s;
  const double replica = tree_[1].at_s;
  return tool < replica ? tool : replica;
}

bool EventAgenda::pop_due(double now, AgendaEvent& event) {
  clear_popped();
  const Due& replica = tree_[1];
  const bool tool_first = !tools_.empty() && tools_.top().before(replica);
  const Due& next = tool_first ? tools_.top() : replica;
  if (next.at_s > now || next.at_s == kNever) return false;
  if (tool_first) {
    event = {AgendaEvent::Kind::tool_call, next.target};
    tools_.pop();
  } else {
    event = {AgendaEvent::Kind::replica, next.target};
    popped_ = next;
    popped_pending_ = true;
  }
  return true;
}

}  // namespace fleetsim
