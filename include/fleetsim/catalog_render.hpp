// Catalog -> text, for `fleetsim catalog` and for reviewing the built-in data
// against its sources. Pure: the caller decides where the text goes.
#pragma once

#include <string>

#include "fleetsim/catalog.hpp"

namespace fleetsim {

// Hardware and model tables in readable units, then every entry's sources.
std::string render_catalog_table(const Catalog& catalog);
// Every field in SI units named in the key, schema "fleetsim.catalog/1"
// (docs/report-format.md, "Catalog JSON").
std::string render_catalog_json(const Catalog& catalog);

}  // namespace fleetsim
