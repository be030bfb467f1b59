#include "child_runs.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <map>
#include <memory>
#include <thread>

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include "active_catalog.hpp"
#include "exit_codes.hpp"
#include "fleetsim/engine/simulation.hpp"
#include "engine_module.hpp"
#include "interrupts.hpp"

extern char** environ;

namespace fleetsim {
namespace {

using Clock = std::chrono::steady_clock;

std::string self_executable() {
  char buffer[4096];
  const ssize_t n = ::readlink("/proc/self/exe", buffer, sizeof buffer - 1);
  if (n <= 0) return "fleetsim";  // found through PATH
  return std::string(buffer, static_cast<std::size_t>(n));
}

// An anonymous file for a child's stdout or stderr: no pipe to drain while
// it runs, and nothing left on disk.
struct CaptureFile {
  std::FILE* file = std::tmpfile();
  CaptureFile() {
    if (file) ::fcntl(fileno(file), F_SETFD, FD_CLOEXEC);  // other children must not inherit it
  }
  ~CaptureFile() {
    if (file) std::fclose(file);
  }
  CaptureFile(const CaptureFile&) = delete;
  CaptureFile& operator=(const CaptureFile&) = delete;
  int fd() const { return file ? fileno(file) : -1; }
  std::string read_all() const {
    std::string text;
    if (!file) return text;
    ::lseek(fd(), 0, SEEK_SET);
    char buffer[65536];
    for (ssize_t n; (n = ::read(fd(), buffer, sizeof buffer)) != 0;) {
      if (n < 0) {
        if (errno == EINTR) continue;
        break;
      }
      text.append(buffer, static_cast<std::size_t>(n));
    }
    return text;
  }
};

// How long a child stopped by a signal (a timeout or an interruption) gets
// to exit before SIGKILL.
constexpr double kStopGraceSeconds = 5.0;

// A forked child's exit code when it cannot set up its standard streams:
// the shell's "could not be run".
constexpr int kChildCannotStart = 127;

struct Running {
  std::size_t index = 0;
  Clock::time_point started;
  double timeout_s = 0.0;
  bool timed_out = false;
  std::unique_ptr<CaptureFile> out = std::make_unique<CaptureFile>();
  std::unique_ptr<CaptureFile> err = std::make_unique<CaptureFile>();
};

// A child's argv: `program` then `arguments`, null-terminated, pointing
// into strings it owns (so it is neither copied nor moved).
class CommandLineArgv {
 public:
  CommandLineArgv(const std::string& program, const std::vector<std::string>& arguments) : text_{program} {
    text_.insert(text_.end(), arguments.begin(), arguments.end());
    for (auto& a : text_) pointers_.push_back(a.data());
    pointers_.push_back(nullptr);
  }
  CommandLineArgv(const CommandLineArgv&) = delete;
  CommandLineArgv& operator=(const CommandLineArgv&) = delete;
  int argc() const { return static_cast<int>(text_.size()); }
  char** argv() { return pointers_.data(); }

 private:
  std::vector<std::string> text_;
  std::vector<char*> pointers_;
};

// Whether the slot has its two capture files; `why` set when not.
bool has_capture_files(const Running& slot, std::string& why) {
  if (slot.out->fd() >= 0 && slot.err->fd() >= 0) return true;
  why = "cannot create a temporary file for the child's output";
  return false;
}

// Writes out what this process has buffered on its standard streams.
void flush_standard_streams() {
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
}

// Starts a child in process group `group` (0: a new group, led by the
// child); its pid, or -1 with `why` set.
pid_t spawn(const std::string& program, const std::vector<std::string>& arguments, const Running& slot,
            pid_t group, std::string& why) {
  if (!has_capture_files(slot, why)) return -1;
  CommandLineArgv argv(program, arguments);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, slot.out->fd(), 1);
  posix_spawn_file_actions_adddup2(&actions, slot.err->fd(), 2);
  // A group of their own: a terminal's Ctrl-C reaches only this process,
  // which passes it on to the whole group and waits (ForwardSignals). The
  // children get the stop signals' default actions even if this process
  // ignores them.
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t defaults;
  sigemptyset(&defaults);
  add_stop_signals(defaults);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setpgroup(&attributes, group);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, program.c_str(), &actions, &attributes, argv.argv(), environ);
  posix_spawnattr_destroy(&attributes);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    why = "cannot start " + program + ": " + std::strerror(rc);
    return -1;
  }
  return pid;
}

CommandLineEntry& command_line_entry() {
  static CommandLineEntry entry = nullptr;
  return entry;
}

// Whether children of this binary can be forks of this process (child_runs.hpp).
bool fork_children() {
  if (command_line_entry() == nullptr || simulation_ran_in_this_process()) return false;
  const char* spawn = std::getenv("FLEETSIM_SPAWN_CHILDREN");
  return spawn == nullptr || std::string(spawn) != "1";
}

// Starts a child as a fork of this process that runs the command line
// `program arguments` through the registered entry, in process group
// `group` (0: a new group, led by the child), with the same argv, standard
// streams, signal actions and catalog state as spawn() gives a new process;
// its pid, or -1 with `why` set.
pid_t fork_child(const std::string& program, const std::vector<std::string>& arguments, const Running& slot,
                 pid_t group, std::string& why) {
  if (!has_capture_files(slot, why)) return -1;
  CommandLineArgv argv(program, arguments);
  // Whatever this process has buffered would otherwise be written twice,
  // the second time into the child's report.
  flush_standard_streams();
  // The stop signals wait, blocked, until the child has its default actions
  // back: one arriving in between would otherwise run this process's
  // forwarding handler in the child, and the child would not stop.
  sigset_t stop, previous;
  sigemptyset(&stop);
  add_stop_signals(stop);
  ::sigprocmask(SIG_BLOCK, &stop, &previous);
  const pid_t pid = ::fork();
  if (pid != 0) {
    const int fork_error = errno;
    ::sigprocmask(SIG_SETMASK, &previous, nullptr);
    if (pid < 0) {
      why = std::string("cannot start a child process: ") + std::strerror(fork_error);
      return -1;
    }
    ::setpgid(pid, group == 0 ? pid : group);  // also here: whichever of the two runs first
    return pid;
  }
  // The child. It never returns into this process's frames: _exit, not
  // exit, so that none of the parent's atexit work (a temporary file it
  // owns) runs twice.
  int code = kChildCannotStart;
  ::setpgid(0, group);
  reset_interrupts_in_forked_child();
  ::sigprocmask(SIG_SETMASK, &previous, nullptr);
  reset_catalog_in_forked_child();
  const int null_in = ::open("/dev/null", O_RDONLY);
  if (null_in >= 0 && ::dup2(null_in, 0) >= 0 && ::dup2(slot.out->fd(), 1) >= 0 && ::dup2(slot.err->fd(), 2) >= 0) {
    if (null_in > 2) ::close(null_in);
    try {
      code = command_line_entry()(argv.argc(), argv.argv());
    } catch (...) {
      code = kExitInternal;
    }
  }
  flush_standard_streams();
  ::_exit(code);
}

double seconds_of(const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; }

// The outcome of a child that has ended with `status`, having used `usage`.
RunOutcome outcome_of(Running& slot, int status, const rusage& usage) {
  RunOutcome outcome;
  // Its time is up to its exit, not to the end of reading its output back.
  outcome.seconds = std::chrono::duration<double>(Clock::now() - slot.started).count();
  outcome.cpu_s = seconds_of(usage.ru_utime) + seconds_of(usage.ru_stime);
  outcome.peak_rss_mib = static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
  outcome.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  outcome.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  outcome.timed_out = slot.timed_out;
  outcome.report = slot.out->read_all();
  outcome.errors = slot.err->read_all();
  // The runner's own verdict comes first: workflows quote the first line, and
  // a stopped child's last words (a sanitizer's warning, a progress line) are
  // not the reason it failed.
  if (outcome.timed_out)
    outcome.errors = "fleetsim run timed out after " + fmt::format("{:g}", slot.timeout_s) + " s and was stopped\n" +
                     outcome.errors;
  else if (outcome.signal != 0)
    outcome.errors = "fleetsim run was killed by " + signal_name(outcome.signal) + "\n" + outcome.errors;
  return outcome;
}

void sleep_briefly() { std::this_thread::sleep_for(std::chrono::milliseconds(5)); }

// The children of one run_all: started up to `jobs` at a time in one process
// group (which ForwardSignals passes signals on to), reaped as they end, and
// stopped past their time.
class ChildPool {
 public:
  // `fork`: children are forks of this process running `program`'s command
  // line (fork_child), else new processes of `program` (spawn).
  ChildPool(const std::string& program, bool fork, const std::vector<RunRequest>& requests,
            const std::function<void(std::size_t, const RunOutcome&)>& on_done, const ChildLimits& limits)
      : program_(program),
        fork_(fork),
        requests_(requests),
        on_done_(on_done),
        limits_(limits),
        outcomes_(requests.size()) {}

  bool busy() const { return next_ < requests_.size() || !running_.empty(); }
  bool idle() const { return running_.empty(); }

  // Starts children until `jobs` run or every request has started.
  void start_more(int jobs) {
    while (next_ < requests_.size() && static_cast<int>(running_.size()) < std::max(jobs, 1) &&
           ForwardSignals::received() == 0) {
      Running slot;
      slot.index = next_;
      slot.started = Clock::now();
      slot.timeout_s = limits_.timeout_s;
      std::string why;
      const std::vector<std::string> arguments = run_arguments(requests_[next_]);
      const pid_t pid = fork_ ? fork_child(program_, arguments, slot, group_, why)
                              : spawn(program_, arguments, slot, group_, why);
      if (pid < 0) {
        RunOutcome failed;
        failed.errors = why;
        finish(next_++, std::move(failed));
        continue;
      }
      if (group_ == 0) {
        group_ = pid;
        ForwardSignals::set_group(group_);
      }
      running_.emplace(pid, std::move(slot));
      ++next_;
    }
  }

  // Reaps one ended child of ours; false when none has ended (with `block`
  // false) or a signal interrupted the wait.
  bool reap(bool block) {
    int status = 0;
    rusage usage{};
    const pid_t pid = ::wait4(-1, &status, block ? 0 : WNOHANG, &usage);
    if (pid <= 0) return false;
    const auto it = running_.find(pid);
    if (it == running_.end()) return true;  // not one of ours
    RunOutcome outcome = outcome_of(it->second, status, usage);
    const std::size_t index = it->second.index;
    running_.erase(it);
    if (running_.empty()) {
      group_ = 0;  // the group ends with its last member; the next child leads a new one
      ForwardSignals::set_group(0);
    }
    finish(index, std::move(outcome));
    return true;
  }

  // Stops children past their time: SIGTERM, then SIGKILL after a grace
  // period, for a child stuck where SIGTERM waits.
  void stop_overdue() {
    const auto now = Clock::now();
    for (auto& [pid, slot] : running_) {
      const double age = std::chrono::duration<double>(now - slot.started).count();
      if (age > limits_.timeout_s && !slot.timed_out) {
        slot.timed_out = true;
        ::kill(pid, SIGTERM);
      } else if (slot.timed_out && age > limits_.timeout_s + kStopGraceSeconds) {
        ::kill(pid, SIGKILL);
      }
    }
  }

  // After signal `sig`: the handler signalled the group; signal it again for
  // a child started as the signal arrived, then wait for every one, SIGKILL
  // past the grace, and throw Interrupted.
  [[noreturn]] void stop_all(int sig) {
    if (group_ > 0) ::kill(-group_, sig);
    const auto deadline = Clock::now() + std::chrono::duration<double>(kStopGraceSeconds);
    while (!running_.empty()) {
      if (Clock::now() > deadline && group_ > 0) ::kill(-group_, SIGKILL);
      if (!reap(false)) sleep_briefly();
    }
    throw Interrupted(sig, fmt::format("running {} (fleetsim run children); {} of {} had finished, every child has "
                                       "stopped",
                                       requests_.size() == 1 ? "1 simulation" : std::to_string(requests_.size()) +
                                                                                      " simulations",
                                       std::count_if(outcomes_.begin(), outcomes_.end(),
                                                     [](const RunOutcome& r) { return r.ok(); }),
                                       requests_.size()));
  }

  std::vector<RunOutcome> take_outcomes() { return std::move(outcomes_); }

 private:
  void finish(std::size_t index, RunOutcome outcome) {
    outcomes_[index] = std::move(outcome);
    // Once interrupted, the stopped children are no results to report.
    if (on_done_ && ForwardSignals::received() == 0) on_done_(index, outcomes_[index]);
  }

  const std::string& program_;
  const bool fork_;
  const std::vector<RunRequest>& requests_;
  const std::function<void(std::size_t, const RunOutcome&)>& on_done_;
  const ChildLimits& limits_;
  std::vector<RunOutcome> outcomes_;
  std::map<pid_t, Running> running_;
  pid_t group_ = 0;
  std::size_t next_ = 0;
};

}  // namespace

std::vector<std::string> run_arguments(const RunRequest& request) {
  // Children log warnings only; their progress would interleave on the terminal.
  std::vector<std::string> args = {"--log-level", "warn"};
  // A child reads its scenario against the same catalog as this process.
  if (!catalog_file().empty()) args.insert(args.end(), {"--catalog", catalog_file()});
  args.insert(args.end(), {"run", request.scenario, "--format", "json", "--no-progress"});
  if (!request.variant.empty()) args.insert(args.end(), {"--variant", request.variant});
  if (!request.cell.empty()) args.insert(args.end(), {"--cell", request.cell, "--cell-result"});
  if (request.seed) args.insert(args.end(), {"--seed", std::to_string(*request.seed)});
  // Written with every digit, so that the child scales by exactly this factor.
  if (request.traffic_scale != 1.0) args.insert(args.end(), {"--traffic-scale", fmt::format("{:.17g}", request.traffic_scale)});
  for (const auto& [path, value] : request.overrides) args.insert(args.end(), {"--set", path + "=" + value});
  args.insert(args.end(), request.limits.begin(), request.limits.end());
  return args;
}

std::vector<RunOutcome> run_all(const std::vector<RunRequest>& requests, int jobs,
                                const std::function<void(std::size_t, const RunOutcome&)>& on_done,
                                const ChildLimits& limits, const std::string& program) {
  static const std::string self = self_executable();
  ForwardSignals forwarding;
  const bool fork = program.empty() && fork_children();
  // Loaded here once, the engine is in every fork (engine_module.hpp); a
  // module that does not load is each child's run to report.
  if (fork) preload_engine_module();
  ChildPool pool(program.empty() ? self : program, fork, requests, on_done, limits);
  while (pool.busy() && ForwardSignals::received() == 0) {
    pool.start_more(jobs);
    if (pool.idle()) continue;
    if (limits.timeout_s <= 0) {
      pool.reap(true);
      continue;
    }
    // With a timeout: poll, and stop children past their time.
    if (pool.reap(false)) continue;
    pool.stop_overdue();
    sleep_briefly();
  }
  if (const int sig = ForwardSignals::received(); sig != 0) pool.stop_all(sig);
  return pool.take_outcomes();
}

void register_command_line_entry(CommandLineEntry entry) { command_line_entry() = entry; }

std::string describe_exit(const RunOutcome& outcome) {
  if (outcome.timed_out) return "timed out";
  if (outcome.signal != 0) return "killed by " + signal_name(outcome.signal);
  if (outcome.exit_code == 3) return "exit 3 (internal error)";
  if (outcome.exit_code < 0) return "could not start";
  return "exit " + std::to_string(outcome.exit_code);
}

int crash_status(const std::vector<RunOutcome>& outcomes, const std::function<std::string(std::size_t)>& label) {
  int status = 0;
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    if (!outcomes[i].crashed()) continue;
    std::cerr << "fleetsim: error: " << label(i) << ": fleetsim run " << describe_exit(outcomes[i])
              << "; this is a defect in fleetsim, please report it with the scenario\n";
    status = 3;
  }
  return status;
}

int default_jobs() {
  const unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

}  // namespace fleetsim
