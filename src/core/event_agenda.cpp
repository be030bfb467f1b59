#include "fleetsim/core/event_agenda.hpp"

#include <stdexcept>
#include <string>

namespace fleetsim {

namespace {

// Checked before the tree is built: a refused fleet allocates nothing.
std::size_t checked_replicas(std::size_t replicas, int bits) {
  if (replicas >= (std::size_t{1} << bits))
    throw std::length_error("the event agenda holds fewer than " + std::to_string(std::size_t{1} << bits) +
                            " replicas; this fleet has " + std::to_string(replicas));
  return replicas;
}

}  // namespace

EventAgenda::EventAgenda(std::size_t replicas)
    : replicas_(std::vector<ReplicaDue>(checked_replicas(replicas, kReplicaBits)), ReplicaDue{}) {}

std::uint64_t EventAgenda::take_order() {
  // 2^38 events is about a thousand times a 10^7-session run's.
  if (next_order_ >> (64 - kReplicaBits)) throw std::length_error("the event agenda ran out of event orders");
  return next_order_++;
}

void EventAgenda::clear_popped() {
  if (!popped_pending_) return;
  popped_pending_ = false;
  if (replicas_.at(popped_.target).stamp == popped_stamp_) replicas_.set(popped_.target, ReplicaDue{});
}

void EventAgenda::heap_push(std::vector<Due>& heap, const Due& due) {
  std::size_t i = heap.size();
  heap.push_back(due);
  while (i > 0) {
    const std::size_t parent = (i - 1) / 4;
    if (!(due < heap[parent])) break;
    heap[i] = heap[parent];
    i = parent;
  }
  heap[i] = due;
}

void EventAgenda::heap_pop(std::vector<Due>& heap) {
  const Due last = heap.back();
  heap.pop_back();
  const std::size_t n = heap.size();
  if (n == 0) return;
  std::size_t i = 0;
  for (;;) {
    const std::size_t first = 4 * i + 1;
    if (first >= n) break;
    std::size_t least = first;
    const std::size_t end = first + 4 < n ? first + 4 : n;
    for (std::size_t c = first + 1; c < end; ++c)
      if (heap[c] < heap[least]) least = c;
    if (!(heap[least] < last)) break;
    heap[i] = heap[least];
    i = least;
  }
  heap[i] = last;
}

void EventAgenda::schedule(double at_s, const AgendaEvent& event) {
  if (event.kind == AgendaEvent::Kind::session_arrival) {
    heap_push(arrivals_, Due{at_s, kArrivalOrder | next_arrival_order_++, event.target, event.kind});
    return;
  }
  const std::uint64_t order = take_order();
  if (event.kind == AgendaEvent::Kind::replica)
    replicas_.set(event.target, ReplicaDue{at_s, order << kReplicaBits | event.target});
  else
    heap_push(tools_, Due{at_s, order, event.target, event.kind});
}

double EventAgenda::next_at() {
  clear_popped();
  double at = replicas_.min().at_s;
  if (!tools_.empty() && tools_.front().at_s < at) at = tools_.front().at_s;
  if (!arrivals_.empty() && arrivals_.front().at_s < at) at = arrivals_.front().at_s;
  return at;
}

bool EventAgenda::pop_due(double now, AgendaEvent& event) {
  clear_popped();
  // The arrivals of one instant come out together, before what the first
  // of them scheduled for that instant.
  if (!arrivals_.empty() && arrivals_.front().at_s == arrival_instant_) {
    event = {AgendaEvent::Kind::session_arrival, arrivals_.front().target};
    heap_pop(arrivals_);
    return true;
  }
  const Due replica = replicas_.min().due();
  const Due* next = &replica;
  if (!tools_.empty() && tools_.front() < *next) next = &tools_.front();
  if (!arrivals_.empty() && arrivals_.front() < *next) next = &arrivals_.front();
  if (next->at_s > now || next->at_s == kNever) return false;
  event = {next->kind, next->target};
  arrival_instant_ = kNoInstant;
  if (next->kind == AgendaEvent::Kind::replica) {
    popped_ = *next;
    popped_stamp_ = replicas_.min().stamp;
    popped_pending_ = true;
  } else if (next->kind == AgendaEvent::Kind::session_arrival) {
    arrival_instant_ = next->at_s;
    heap_pop(arrivals_);
  } else {
    heap_pop(tools_);
  }
  return true;
}

}  // namespace fleetsim
