// The fleet's pending timed events, in due order: a replica's plan ends, an
// idle replica starts, a tool call ends, a fleet timer fires, a session
// arrives.
//
// A replica has at most one pending event, replaced whenever its plan changes
// (a call joining a decode run moves its end). So replica events sit in a
// tournament tree with one leaf per replica, updated in place: no stale
// entries, no search to cancel. Tool calls and fleet timers are never
// cancelled and wait in a plain heap. Events due at the same time come out
// in the order they were scheduled, which keeps runs deterministic.
//
// Session arrivals wait in a heap of their own and keep the order they had
// when each workload's arrivals were a SimGrid actor's sleeps (SimGrid runs
// the timers due at an instant, then wakes every actor sleeping until it):
// at one time, the events already due come first, then every arrival of
// that time, then what those arrivals scheduled for it. So the calls of
// sessions that arrive together meet in one plan.
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

#include "fleetsim/core/tournament_tree.hpp"

namespace fleetsim {

struct AgendaEvent {
  // fleet_timer: the fleet model's own timers (an autoscaler's evaluation, a
  // node up); `target` is the model's token for it. session_arrival: a
  // workload's next session starts; `target` is the workload.
  enum class Kind : std::uint8_t { replica, tool_call, fleet_timer, session_arrival };
  Kind kind = Kind::replica;
  std::uint32_t target = 0;  // replica index, the session slot of the tool call, a timer token or a workload
};

class EventAgenda {
 public:
  static constexpr double kNever = std::numeric_limits<double>::infinity();

  explicit EventAgenda(std::size_t replicas);

  // For a replica, replaces its pending event if it has one.
  void schedule(double at_s, const AgendaEvent& event);
  // Time of the earliest pending event; kNever when there is none.
  double next_at();
  // Removes and returns the earliest event if it is due at or before now.
  bool pop_due(double now, AgendaEvent& event);
  bool empty() { return next_at() == kNever; }

 private:
  struct Due {
    double at_s = kNever;
    std::uint64_t order = std::numeric_limits<std::uint64_t>::max();
    std::uint32_t target = 0;
    AgendaEvent::Kind kind = AgendaEvent::Kind::replica;  // of a heap entry: any kind but replica
    bool operator<(const Due& o) const { return at_s != o.at_s ? at_s < o.at_s : order < o.order; }
    bool operator>(const Due& o) const { return o < *this; }
  };

  // A replica's pending event in the tree: its time, then its order and
  // replica packed in one word (order in the high bits, so comparing the
  // word compares the orders, which are unique). 16 bytes where a Due takes
  // 24: the two children of a node share a 32-byte half line, and the tree
  // that every replica event walks is two thirds the size (a 3,200-replica
  // fleet's 8,192 nodes in 128 KiB).
  static constexpr int kReplicaBits = 26;  // replicas below 2^26; orders below 2^38
  struct ReplicaDue {
    double at_s = kNever;
    std::uint64_t stamp = std::numeric_limits<std::uint64_t>::max();
    bool operator<(const ReplicaDue& o) const { return at_s != o.at_s ? at_s < o.at_s : stamp < o.stamp; }
    Due due() const {
      return {at_s, stamp >> kReplicaBits, static_cast<std::uint32_t>(stamp & ((1u << kReplicaBits) - 1)),
              AgendaEvent::Kind::replica};
    }
  };
  std::uint64_t take_order();

  void clear_popped();
  // 4-ary min-heaps (tools_, arrivals_): half the levels of a binary heap,
  // and the four children of a node share a cache line or two, so a pop from
  // a heap of thousands of tool calls in flight touches fewer cold lines.
  // Keys are unique (time, then order), so the pops come in the same order
  // whatever the heap's shape.
  static void heap_push(std::vector<Due>& heap, const Due& due);
  static void heap_pop(std::vector<Due>& heap);

  TournamentTree<ReplicaDue> replicas_;  // leaf r: replica r's pending event, or ReplicaDue{} for none
  std::vector<Due> tools_;  // tools_[0] is the earliest
  std::uint64_t next_order_ = 0;
  // Arrivals' orders lie above every other event's (they come after them at
  // one time), among themselves in scheduling order.
  static constexpr std::uint64_t kArrivalOrder = std::uint64_t{1} << 63;
  static constexpr double kNoInstant = -kNever;
  std::vector<Due> arrivals_;  // arrivals_[0] is the earliest
  std::uint64_t next_arrival_order_ = 0;
  double arrival_instant_ = kNoInstant;  // the time of the arrivals being popped, if the last pop was one
  // A popped replica event stays in its leaf until the next query: the
  // replica nearly always schedules its next event meanwhile, which replaces
  // the leaf and saves a second walk up the tree.
  bool popped_pending_ = false;
  Due popped_;
  std::uint64_t popped_stamp_ = 0;
};

}  // namespace fleetsim
