#include "exit_codes.hpp"

namespace fleetsim {

const std::vector<ExitCodeMeaning>& exit_code_meanings() {
  static const std::vector<ExitCodeMeaning> meanings = {
      {"0", "success"},
      {"1", "invalid input (scenario errors, unwritable output, a resource limit)"},
      {"2", "bad command line"},
      {"3", "internal error"},
      {"4", "expectation violated (check, diff; plan: no fleet meets the SLOs; capacity: no traffic level does; validate-model: a case outside its "
            "tolerance or moved from the recorded table)"},
      {"130/143/129/131", "interrupted (SIGINT/SIGTERM/SIGHUP/SIGQUIT)"},
  };
  return meanings;
}

}  // namespace fleetsim
