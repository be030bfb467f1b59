#include <catch2/catch.hpp>

#include <map>
#include <utility>
#include <vector>

#include "fleetsim/core/event_agenda.hpp"
#include "fleetsim/core/rng.hpp"

using fleetsim::AgendaEvent;
using fleetsim::EventAgenda;

namespace {

AgendaEvent replica(std::uint32_t r) { return {AgendaEvent::Kind::replica, r}; }
AgendaEvent tool(std::uint32_t slot) { return {AgendaEvent::Kind::tool_call, slot}; }

std::vector<std::pair<AgendaEvent::Kind, std::uint32_t>> drain_agenda(EventAgenda& agenda, double now) {
  std::vector<std::pair<AgendaEvent::Kind, std::uint32_t>> out;
  AgendaEvent e;
  while (agenda.pop_due(now, e)) out.emplace_back(e.kind, e.target);
  return out;
}

}  // namespace

TEST_CASE("Agenda: events come out in time order, ties in scheduling order", "[engine]") {
  EventAgenda agenda(5);
  CHECK(agenda.empty());
  agenda.schedule(2.0, tool(7));
  agenda.schedule(1.0, replica(3));
  agenda.schedule(2.0, replica(0));
  agenda.schedule(2.0, tool(8));
  agenda.schedule(3.0, replica(4));
  CHECK(agenda.next_at() == 1.0);

  const auto first = drain_agenda(agenda, 2.0);
  const std::vector<std::pair<AgendaEvent::Kind, std::uint32_t>> expected = {
      {AgendaEvent::Kind::replica, 3}, {AgendaEvent::Kind::tool_call, 7},
      {AgendaEvent::Kind::replica, 0}, {AgendaEvent::Kind::tool_call, 8}};
  CHECK(first == expected);
  CHECK(agenda.next_at() == 3.0);  // not due at 2.0: stays
  CHECK(drain_agenda(agenda, 3.0).size() == 1);
  CHECK(agenda.empty());
}

TEST_CASE("Agenda: a replica's new event replaces its pending one, earlier or later", "[engine]") {
  EventAgenda agenda(3);
  agenda.schedule(5.0, replica(1));
  agenda.schedule(4.0, replica(2));
  agenda.schedule(2.0, replica(1));  // a call joined: the run ends sooner
  CHECK(agenda.next_at() == 2.0);
  agenda.schedule(9.0, replica(1));  // and later again
  CHECK(agenda.next_at() == 4.0);
  const auto out = drain_agenda(agenda, 10.0);
  REQUIRE(out.size() == 2);  // replica 1 once, at 9.0, not at 5.0 or 2.0
  CHECK(out[0].second == 2);
  CHECK(out[1].second == 1);
}

TEST_CASE("Agenda: a popped replica event is gone unless the replica schedules again", "[engine]") {
  EventAgenda agenda(2);
  agenda.schedule(1.0, replica(0));
  agenda.schedule(1.5, replica(1));
  AgendaEvent e;
  REQUIRE(agenda.pop_due(1.0, e));
  CHECK(e.target == 0);
  // Replica 0 goes idle (schedules nothing): the next query must not return it again.
  CHECK(agenda.next_at() == 1.5);
  REQUIRE(agenda.pop_due(2.0, e));
  CHECK(e.target == 1);
  agenda.schedule(2.0, replica(1));  // while handling its event, it schedules the next one
  CHECK(agenda.next_at() == 2.0);
  CHECK_FALSE(agenda.pop_due(1.99, e));
  REQUIRE(agenda.pop_due(2.0, e));
  CHECK(agenda.empty());
}

TEST_CASE("Agenda: agrees with a sorted reference under random schedules and replacements", "[engine]") {
  for (std::size_t replicas : {1u, 3u, 64u, 1000u}) {
    EventAgenda agenda(replicas);
    // Reference: (time, order) -> event; a replica's pending entry is tracked to replace it.
    std::map<std::pair<double, std::uint64_t>, AgendaEvent> reference;
    std::map<std::uint32_t, std::pair<double, std::uint64_t>> pending;
    std::uint64_t order = 0;
    fleetsim::Rng rng(replicas, 3);
    double now = 0.0;
    for (int step = 0; step < 20000; ++step) {
      const double at = now + static_cast<double>(rng.next_u64() % 50) / 10.0;  // ties are common
      if (rng.next_u64() % 3 == 0) {
        const auto slot = static_cast<std::uint32_t>(rng.next_u64() % 100000);
        agenda.schedule(at, tool(slot));
        reference[{at, order++}] = tool(slot);
      } else {
        const auto r = static_cast<std::uint32_t>(rng.next_u64() % replicas);
        agenda.schedule(at, replica(r));
        if (auto it = pending.find(r); it != pending.end()) reference.erase(it->second);
        pending[r] = {at, order};
        reference[{at, order++}] = replica(r);
      }
      if (step % 4 == 0) {
        now += 0.7;
        AgendaEvent e;
        while (agenda.pop_due(now, e)) {
          REQUIRE_FALSE(reference.empty());
          const auto first = reference.begin();
          REQUIRE(first->first.first <= now);
          REQUIRE(e.kind == first->second.kind);
          REQUIRE(e.target == first->second.target);
          if (e.kind == AgendaEvent::Kind::replica) pending.erase(e.target);
          reference.erase(first);
        }
        REQUIRE((reference.empty() || reference.begin()->first.first > now));
        REQUIRE(agenda.next_at() == (reference.empty() ? EventAgenda::kNever : reference.begin()->first.first));
      }
    }
  }
}

TEST_CASE("Agenda: arrivals of one time come after the events already due then, and together", "[engine]") {
  EventAgenda agenda(2);
  const auto arrival = [](std::uint32_t w) { return AgendaEvent{AgendaEvent::Kind::session_arrival, w}; };
  agenda.schedule(1.0, arrival(0));  // scheduled first
  agenda.schedule(1.0, replica(1));  // due at the same time, scheduled later
  agenda.schedule(1.0, tool(4));
  agenda.schedule(0.5, arrival(1));
  agenda.schedule(1.0, arrival(2));
  std::vector<std::pair<AgendaEvent::Kind, std::uint32_t>> out;
  AgendaEvent e;
  while (agenda.pop_due(1.0, e)) {
    out.emplace_back(e.kind, e.target);
    // The first arrival at 1.0 wakes replica 0, which starts in an event of
    // its own at 1.0: after the other arrival of that time.
    if (e.kind == AgendaEvent::Kind::session_arrival && e.target == 0) agenda.schedule(1.0, replica(0));
  }
  const std::vector<std::pair<AgendaEvent::Kind, std::uint32_t>> expected = {
      {AgendaEvent::Kind::session_arrival, 1},  // earlier: first
      {AgendaEvent::Kind::replica, 1},          // due at 1.0 before the arrivals of 1.0
      {AgendaEvent::Kind::tool_call, 4},
      {AgendaEvent::Kind::session_arrival, 0},  // the arrivals of 1.0, together
      {AgendaEvent::Kind::session_arrival, 2},
      {AgendaEvent::Kind::replica, 0}};         // then what they scheduled for 1.0
  CHECK(out == expected);
  CHECK(agenda.empty());
}

TEST_CASE("Agenda: replicas due at once come out in scheduling order, whatever their index", "[engine]") {
  // A replica's time and order share one packed key with its index below
  // the order: the order decides ties, as it does for the heap's events.
  EventAgenda agenda(70'000);
  agenda.schedule(1.0, replica(69'999));
  agenda.schedule(1.0, replica(5));
  agenda.schedule(1.0, tool(2));
  agenda.schedule(1.0, replica(0));
  agenda.schedule(0.5, replica(40'000));
  const std::vector<std::pair<AgendaEvent::Kind, std::uint32_t>> expected = {
      {AgendaEvent::Kind::replica, 40'000}, {AgendaEvent::Kind::replica, 69'999}, {AgendaEvent::Kind::replica, 5},
      {AgendaEvent::Kind::tool_call, 2}, {AgendaEvent::Kind::replica, 0}};
  CHECK(drain_agenda(agenda, 1.0) == expected);
}

TEST_CASE("Agenda: a fleet beyond the agenda's replica limit is refused before anything is built", "[engine]") {
  CHECK_THROWS_WITH(EventAgenda(std::size_t{1} << 26), Catch::Matchers::Contains("this fleet has 67108864"));
  CHECK_NOTHROW(EventAgenda(1000));
}
