#include "fleetsim/core/event_agenda.hpp"

namespace fleetsim {

EventAgenda::EventAgenda(std::size_t replicas) : replicas_(std::vector<Due>(replicas), Due{}) {}

void EventAgenda::clear_popped() {
  if (!popped_pending_) return;
  popped_pending_ = false;
  if (replicas_.at(popped_.target).order == popped_.order) replicas_.set(popped_.target, Due{});
}

void EventAgenda::push_tool(const Due& due) {
  std::size_t i = tools_.size();
  tools_.push_back(due);
  while (i > 0) {
    const std::size_t parent = (i - 1) / 4;
    if (!(due < tools_[parent])) break;
    tools_[i] = tools_[parent];
    i = parent;
  }
  tools_[i] = due;
}

void EventAgenda::pop_tool() {
  const Due last = tools_.back();
  tools_.pop_back();
  const std::size_t n = tools_.size();
  if (n == 0) return;
  std::size_t i = 0;
  for (;;) {
    const std::size_t first = 4 * i + 1;
    if (first >= n) break;
    std::size_t least = first;
    const std::size_t end = first + 4 < n ? first + 4 : n;
    for (std::size_t c = first + 1; c < end; ++c)
      if (tools_[c] < tools_[least]) least = c;
    if (!(tools_[least] < last)) break;
    tools_[i] = tools_[least];
    i = least;
  }
  tools_[i] = last;
}

void EventAgenda::schedule(double at_s, const AgendaEvent& event) {
  const Due due{at_s, next_order_++, event.target, event.kind};
  if (event.kind == AgendaEvent::Kind::replica)
    replicas_.set(event.target, due);
  else
    push_tool(due);
}

double EventAgenda::next_at() {
  clear_popped();
  const double tool = tools_.empty() ? kNever : tools_.front().at_s;
  const double replica = replicas_.min().at_s;
  return tool < replica ? tool : replica;
}

bool EventAgenda::pop_due(double now, AgendaEvent& event) {
  clear_popped();
  const Due& replica = replicas_.min();
  const bool tool_first = !tools_.empty() && tools_.front() < replica;
  const Due& next = tool_first ? tools_.front() : replica;
  if (next.at_s > now || next.at_s == kNever) return false;
  if (tool_first) {
    event = {next.kind, next.target};
    pop_tool();
  } else {
    event = {AgendaEvent::Kind::replica, next.target};
    popped_ = next;
    popped_pending_ = true;
  }
  return true;
}

}  // namespace fleetsim
