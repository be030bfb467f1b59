// SIGINT, SIGTERM, SIGHUP and SIGQUIT: a run stops at once with a message and
// leaves nothing partial; a workflow passes the signal to its children and
// waits for them. Either exits 128 + the signal's number (130, 143, 129, 131),
// as shells report it.
#pragma once

#include <array>
#include <csignal>
#include <stdexcept>
#include <string>

namespace fleetsim {

// What the process is doing, for the message printed when a signal stops it
// ("simulating scenarios/x.yaml"). Copied into a fixed buffer the handler
// can read; longer text is cut.
void set_activity(const std::string& text);

// A temporary file being written: removed if a signal stops the process
// before it is renamed into place. Empty: none.
void set_pending_file(const std::string& path);

// For `run`: on SIGINT, SIGTERM, SIGHUP or SIGQUIT, print "fleetsim: interrupted by SIGINT
// while <activity>; nothing was written", remove the pending file and exit
// 128 + signal at once. Install after the SimGrid engine exists (it installs
// a SIGINT handler of its own).
void install_run_interrupt_handlers();

// Adds the signals above to `set` (children of a workflow get their defaults).
void add_stop_signals(sigset_t& set);

// In a child forked from a workflow (child_runs.cpp): the state a freshly
// started process has. The signals above get their default actions, and
// the parent's activity, pending file, forwarded signal and child group are
// forgotten, so that a signal to the child cannot remove the parent's file.
void reset_interrupts_in_forked_child();

// For workflows (child_runs.cpp): while alive, the signals above are
// forwarded to the process group `group()` names and recorded; blocking
// system calls return EINTR so the caller sees them. Restores the previous
// handlers on destruction.
class ForwardSignals {
 public:
  ForwardSignals();
  ~ForwardSignals();
  ForwardSignals(const ForwardSignals&) = delete;
  ForwardSignals& operator=(const ForwardSignals&) = delete;

  // The process group children are in (0: none yet); the handler signals it.
  static void set_group(pid_t group);
  // The signal received, 0 if none.
  static int received();

 private:
  std::array<struct sigaction, 4> old_{};  // one per signal, in kStopSignals' order
};

// Thrown by a workflow once its children have stopped after a signal; main()
// prints it and exits 128 + signal.
class Interrupted : public std::runtime_error {
 public:
  Interrupted(int signal, const std::string& what) : std::runtime_error(what), signal_(signal) {}
  int signal() const { return signal_; }

 private:
  int signal_;
};

// "SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGKILL", "SIGSEGV", "SIGABRT", or "signal N".
std::string signal_name(int signal);

}  // namespace fleetsim
