// Catalog -> text, for `fleetsim catalog` and for reviewing the built-in data
// against its sources. Pure: the caller decides where the text goes.
#pragma once

#include <string>
#include <vector>

#include "fleetsim/io/catalog.hpp"
#include "fleetsim/io/weight_format.hpp"

namespace fleetsim {

// Hardware, model and weight-format tables in readable units, then every
// entry's sources.
std::string render_catalog_table(const Catalog& catalog, const std::vector<WeightFormat>& formats = {});
// Every field in SI units named in the key, schema "fleetsim.catalog/1"
// (docs/report-format.md, "Catalog JSON").
std::string render_catalog_json(const Catalog& catalog, const std::vector<WeightFormat>& formats = {});

}  // namespace fleetsim
