#include "child_runs.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <thread>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

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

struct Running {
  std::size_t index = 0;
  Clock::time_point started;
  std::unique_ptr<CaptureFile> out = std::make_unique<CaptureFile>();
  std::unique_ptr<CaptureFile> err = std::make_unique<CaptureFile>();
};

// Starts a child; its pid, or -1 with `why` set.
pid_t spawn(const std::string& program, const std::vector<std::string>& arguments, const Running& slot,
            std::string& why) {
  if (slot.out->fd() < 0 || slot.err->fd() < 0) {
    why = "cannot create a temporary file for the child's output";
    return -1;
  }
  std::vector<std::string> argv_text = {program};
  argv_text.insert(argv_text.end(), arguments.begin(), arguments.end());
  std::vector<char*> argv;
  for (auto& a : argv_text) argv.push_back(a.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, slot.out->fd(), 1);
  posix_spawn_file_actions_adddup2(&actions, slot.err->fd(), 2);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    why = "cannot start " + program + ": " + std::strerror(rc);
    return -1;
  }
  return pid;
}

}  // namespace

std::vector<std::string> run_arguments(const RunRequest& request) {
  // Children log warnings only; their progress would interleave on the terminal.
  std::vector<std::string> args = {"--log-level", "warn", "run", request.scenario, "--format", "json", "--no-progress"};
  if (!request.variant.empty()) args.insert(args.end(), {"--variant", request.variant});
  if (request.seed) args.insert(args.end(), {"--seed", std::to_string(*request.seed)});
  for (const auto& [path, value] : request.overrides) args.insert(args.end(), {"--set", path + "=" + value});
  return args;
}

std::vector<RunOutcome> run_all(const std::vector<RunRequest>& requests, int jobs,
                                const std::function<void(std::size_t, const RunOutcome&)>& on_done) {
  static const std::string program = self_executable();
  std::vector<RunOutcome> outcomes(requests.size());
  std::map<pid_t, Running> running;
  std::size_t next = 0;
  auto finish = [&](std::size_t index, RunOutcome outcome) {
    outcomes[index] = std::move(outcome);
    if (on_done) on_done(index, outcomes[index]);
  };
  while (next < requests.size() || !running.empty()) {
    while (next < requests.size() && static_cast<int>(running.size()) < std::max(jobs, 1)) {
      Running slot;
      slot.index = next;
      slot.started = Clock::now();
      std::string why;
      const pid_t pid = spawn(program, run_arguments(requests[next]), slot, why);
      if (pid < 0) {
        RunOutcome failed;
        failed.errors = why;
        finish(next++, std::move(failed));
        continue;
      }
      running.emplace(pid, std::move(slot));
      ++next;
    }
    if (running.empty()) continue;
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, 0);
    if (pid < 0) {
      if (errno == EINTR) continue;
      break;  // no children left to wait for: cannot happen while `running` is non-empty
    }
    const auto it = running.find(pid);
    if (it == running.end()) continue;  // not one of ours
    RunOutcome outcome;
    outcome.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    outcome.report = it->second.out->read_all();
    outcome.errors = it->second.err->read_all();
    if (WIFSIGNALED(status))
      outcome.errors += "fleetsim run was killed by signal " + std::to_string(WTERMSIG(status)) + "\n";
    outcome.seconds = std::chrono::duration<double>(Clock::now() - it->second.started).count();
    const std::size_t index = it->second.index;
    running.erase(it);
    finish(index, std::move(outcome));
  }
  return outcomes;
}

int default_jobs() {
  const unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

}  // namespace fleetsim
