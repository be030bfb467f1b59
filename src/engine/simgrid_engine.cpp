// SimGrid engine: see simulation.hpp (in progress).
namespace fleetsim { int engine_placeholder() { return 0; } }
