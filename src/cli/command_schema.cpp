// fleetsim schema: print the JSON Schema of scenario files, built from the
// same key tables the loader checks keys with (docs/scenario.schema.json is
// its output, for editors: yaml-language-server reads the comment
// `# yaml-language-server: $schema=...` at the top of a scenario).
#include <memory>
#include <string>

#include "commands.hpp"
#include "cli_support.hpp"
#include "fleetsim/io/scenario_schema.hpp"

namespace fleetsim {
namespace {

struct SchemaOptions {
  std::string output;
};

int schema(const SchemaOptions& o) { return emit(scenario_json_schema().dump(2) + "\n", o.output); }

}  // namespace

Command add_schema_command(CLI::App& app) {
  auto o = std::make_shared<SchemaOptions>();
  auto* cmd = app.add_subcommand("schema", "Print the JSON Schema of scenario files (for editors and validators)");
  cmd->add_option("-o,--output", o->output, "Write the schema to FILE (atomically) instead of stdout");
  return {cmd, [o] { return schema(*o); }};
}

}  // namespace fleetsim
