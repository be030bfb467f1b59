#include "application.hpp"

#include "exit_codes.hpp"

#ifndef FLEETSIM_VERSION
#define FLEETSIM_VERSION "0.0.0"
#endif

namespace fleetsim {
namespace {

std::string exit_code_footer() {
  std::string text = "Exit codes: ";
  const auto& meanings = exit_code_meanings();
  for (std::size_t i = 0; i < meanings.size(); ++i)
    text += (i == 0 ? "" : ", ") + meanings[i].codes + " " + meanings[i].meaning;
  return text + ".\n";
}

}  // namespace

std::vector<Command> build_application(CLI::App& app, GlobalOptions& global) {
  app.description(
      "fleetsim: simulate a CPU+GPU LLM-inference fleet serving agentic traffic, and report what it\n"
      "costs per query, how much power it draws and whether it meets its latency targets.");
  app.set_version_flag("--version", std::string(kProgramName) + " " + FLEETSIM_VERSION);
  app.require_subcommand(1);
  app.fallthrough();  // global options may follow the subcommand too
  app.add_option("--log-level", global.log_level, "Log verbosity on stderr")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));
  app.add_option("--catalog", global.catalog_path,
                 "A catalog file laid over the built-in catalog: its hardware and models entries override "
                 "built-in ones of the same name, key by key, or add new ones (docs/catalog.md)")
      ->type_name("FILE.yaml");
  app.footer(exit_code_footer());

  return {
      add_run_command(app),
      add_validate_command(app),
      add_catalog_command(app),
      add_compare_command(app),
      add_sweep_command(app),
      add_merge_command(app),
      add_check_command(app),
      add_diff_command(app),
      add_plan_command(app),
      add_capacity_command(app),
      add_validate_model_command(app),
      add_schema_command(app),
      add_completion_command(app),
      add_man_command(app),
  };
}

}  // namespace fleetsim
