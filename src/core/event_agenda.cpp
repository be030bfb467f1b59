#include "fleetsim/core/event_agenda.hpp"

namespace fleetsim {

EventAgenda::EventAgenda(std::size_t replicas) : replicas_(std::vector<Due>(replicas), Due{}) {}

void EventAgenda::clear_popped() {
  if (!popped_pending_) return;
  popped_pending_ = false;
  if (replicas_.at(popped_.target).order == popped_.order) replicas_.set(popped_.target, Due{});
}

void EventAgenda::schedule(double at_s, const AgendaEvent& event) {
  const Due due{at_s, next_order_++, event.target, event.kind};
  if (event.kind == AgendaEvent::Kind::replica)
    replicas_.set(event.target, due);
  else
    tools_.push(due);
}

double EventAgenda::next_at() {
  clear_popped();
  const double tool = tools_.empty() ? kNever : tools_.top().at_s;
  const double replica = replicas_.min().at_s;
  return tool < replica ? tool : replica;
}

bool EventAgenda::pop_due(double now, AgendaEvent& event) {
  clear_popped();
  const Due& replica = replicas_.min();
  const bool tool_first = !tools_.empty() && tools_.top() < replica;
  const Due& next = tool_first ? tools_.top() : replica;
  if (next.at_s > now || next.at_s == kNever) return false;
  if (tool_first) {
    event = {next.kind, next.target};
    tools_.pop();
  } else {
    event = {AgendaEvent::Kind::replica, next.target};
    popped_ = next;
    popped_pending_ = true;
  }
  return true;
}

}  // namespace fleetsim
