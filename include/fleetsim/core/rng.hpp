// Deterministic random numbers.
//
// fleetsim must produce byte-identical output for the same scenario and seed on
// any machine, so it does not use <random>'s distributions (their algorithms are
// left to the standard library). Every stream is xoshiro256** seeded through
// splitmix64 from (seed, stream id), and the transforms below are our own.
#pragma once

#include <cstdint>
#include <string_view>

namespace fleetsim {

class Rng {
 public:
  // `stream` separates independent sequences drawn from one scenario seed,
  // e.g. one per workload's arrivals and one per session.
  Rng(std::uint64_t seed, std::uint64_t stream);

  std::uint64_t next_u64();
  double uniform01();                 // in [0, 1)
  double uniform_open01();            // in (0, 1), safe for log()
  double exponential(double mean);
  double standard_normal();

 private:
  std::uint64_t s_[4];
};

// Stable 64-bit hash of a name (FNV-1a), used to derive stream ids from names.
std::uint64_t stable_hash(std::string_view text);

}  // namespace fleetsim
