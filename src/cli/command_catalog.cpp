// fleetsim catalog: the built-in hardware and models, with sources.
#include <memory>
#include <string>

#include "active_catalog.hpp"
#include "cli_support.hpp"
#include "commands.hpp"
#include "fleetsim/io/catalog.hpp"
#include "fleetsim/io/catalog_render.hpp"
#include "fleetsim/io/weight_format.hpp"

namespace fleetsim {

Command add_catalog_command(CLI::App& app) {
  struct Options {
    std::string format = "table";
    std::string output;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("catalog", "List the built-in hardware, models, weight formats and serving stacks with their sources");
  cmd->add_option("--format", o->format, "table or json")->check(CLI::IsMember({"table", "json"}));
  cmd->add_option("-o,--output", o->output, "Write to FILE instead of stdout")->type_name("FILE");
  return {cmd, [o] {
            const Catalog& catalog = active_catalog();
            const auto& formats = builtin_weight_formats();
            return emit(o->format == "json" ? render_catalog_json(catalog, formats)
                                            : render_catalog_table(catalog, formats),
                        o->output);
          },
          /*shows_catalog_sources=*/true};
}

}  // namespace fleetsim
