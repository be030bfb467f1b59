// The catalog this run reads scenarios against: the built-in one, or it with
// the entries of `--catalog FILE` laid over it (a planner's own calibration).
#pragma once

#include <string>

#include "fleetsim/io/catalog.hpp"

namespace fleetsim {

const Catalog& active_catalog();

// Reads FILE and lays it over the built-in catalog for the rest of the run.
// False, with the reasons printed on stderr, when FILE cannot be read or has
// errors.
bool use_catalog_file(const std::string& path);

// The file given to use_catalog_file, for child runs to pass on; empty if none.
const std::string& catalog_file();

}  // namespace fleetsim
