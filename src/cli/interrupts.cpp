#include "interrupts.hpp"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <iterator>

#include <unistd.h>

namespace fleetsim {
namespace {

// Read by signal handlers: fixed buffers, written only outside them.
char activity[512] = "starting";
char pending_file[4096] = "";
volatile std::sig_atomic_t forwarded_signal = 0;
std::atomic<pid_t> child_group{0};
static_assert(std::atomic<pid_t>::is_always_lock_free, "the handler reads the group without locks");

// The signals that stop fleetsim: Ctrl-C, kill's default, a closed terminal
// or dropped SSH session, and Ctrl-\ (which would otherwise dump core).
constexpr int kStopSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

const char* name_of(int sig) {
  switch (sig) {
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    case SIGHUP: return "SIGHUP";
    case SIGQUIT: return "SIGQUIT";
    default: return "a signal";
  }
}

void copy_into(char* buffer, std::size_t size, const std::string& text) {
  const std::size_t n = std::min(text.size(), size - 1);
  std::memcpy(buffer, text.data(), n);
  buffer[n] = '\0';
}

void write_text(const char* text) {
  // Async-signal-safe: write(2) only; a failed message changes nothing.
  const ssize_t ignored = ::write(2, text, std::strlen(text));
  (void)ignored;
}

extern "C" void run_interrupted(int sig) {
  write_text("fleetsim: interrupted by ");
  write_text(name_of(sig));
  write_text(" while ");
  write_text(activity);
  write_text("; nothing was written\n");
  if (pending_file[0] != '\0') ::unlink(pending_file);
  ::_exit(128 + sig);
}

extern "C" void forward_signal(int sig) {
  forwarded_signal = sig;
  const pid_t group = child_group.load();
  if (group > 0) ::kill(-group, sig);
}

void install(int sig, void (*handler)(int), struct sigaction* old) {
  struct sigaction action {};
  action.sa_handler = handler;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: a blocked waitpid returns EINTR
  ::sigaction(sig, &action, old);
}

}  // namespace

void set_activity(const std::string& text) { copy_into(activity, sizeof activity, text); }

void set_pending_file(const std::string& path) { copy_into(pending_file, sizeof pending_file, path); }

void install_run_interrupt_handlers() {
  for (const int sig : kStopSignals) install(sig, run_interrupted, nullptr);
}

void add_stop_signals(sigset_t& set) {
  for (const int sig : kStopSignals) sigaddset(&set, sig);
}

void reset_interrupts_in_forked_child() {
  for (const int sig : kStopSignals) ::signal(sig, SIG_DFL);
  copy_into(activity, sizeof activity, "starting");
  pending_file[0] = '\0';
  forwarded_signal = 0;
  child_group = 0;
}

ForwardSignals::ForwardSignals() {
  static_assert(std::size(kStopSignals) == std::tuple_size_v<decltype(old_)>);
  forwarded_signal = 0;
  child_group = 0;
  for (std::size_t i = 0; i < old_.size(); ++i) install(kStopSignals[i], forward_signal, &old_[i]);
}

ForwardSignals::~ForwardSignals() {
  for (std::size_t i = 0; i < old_.size(); ++i) ::sigaction(kStopSignals[i], &old_[i], nullptr);
  child_group = 0;
}

void ForwardSignals::set_group(pid_t group) { child_group = group; }

int ForwardSignals::received() { return forwarded_signal; }

std::string signal_name(int signal) {
  if (std::find(std::begin(kStopSignals), std::end(kStopSignals), signal) != std::end(kStopSignals))
    return name_of(signal);
  if (signal == SIGKILL) return "SIGKILL";
  if (signal == SIGSEGV) return "SIGSEGV";
  if (signal == SIGABRT) return "SIGABRT";
  return "signal " + std::to_string(signal);
}

}  // namespace fleetsim
