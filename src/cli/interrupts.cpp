#include "interrupts.hpp"

#include <algorithm>
#include <atomic>
#include <cstring>

#include <unistd.h>

namespace fleetsim {
namespace {

// Read by signal handlers: fixed buffers, written only outside them.
char activity[512] = "starting";
char pending_file[4096] = "";
volatile std::sig_atomic_t forwarded_signal = 0;
std::atomic<pid_t> child_group{0};
static_assert(std::atomic<pid_t>::is_always_lock_free, "the handler reads the group without locks");

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
  write_text(sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "a signal");
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
  install(SIGINT, run_interrupted, nullptr);
  install(SIGTERM, run_interrupted, nullptr);
}

ForwardSignals::ForwardSignals() {
  forwarded_signal = 0;
  child_group = 0;
  install(SIGINT, forward_signal, &old_int_);
  install(SIGTERM, forward_signal, &old_term_);
}

ForwardSignals::~ForwardSignals() {
  ::sigaction(SIGINT, &old_int_, nullptr);
  ::sigaction(SIGTERM, &old_term_, nullptr);
  child_group = 0;
}

void ForwardSignals::set_group(pid_t group) { child_group = group; }

int ForwardSignals::received() { return forwarded_signal; }

std::string signal_name(int signal) {
  if (signal == SIGINT) return "SIGINT";
  if (signal == SIGTERM) return "SIGTERM";
  if (signal == SIGKILL) return "SIGKILL";
  if (signal == SIGSEGV) return "SIGSEGV";
  if (signal == SIGABRT) return "SIGABRT";
  return "signal " + std::to_string(signal);
}

}  // namespace fleetsim
