// The catalog this run reads scenarios against: the built-in one, or it with
// the entries of `--catalog FILE` laid over it (a planner's own calibration).
#pragma once

#include <string>

#include "fleetsim/io/catalog.hpp"

namespace fleetsim {

const Catalog& active_catalog();

// Makes the built-in catalog under active_catalog() the one with its entries'
// sources (Catalog::builtin) rather than the figures alone
// (Catalog::builtin_figures). Call before active_catalog or use_catalog_file.
void keep_catalog_sources();

// Reads FILE and lays it over the built-in catalog for the rest of the run.
// False, with the reasons printed on stderr, when FILE cannot be read or has
// errors.
bool use_catalog_file(const std::string& path);

// The file given to use_catalog_file, for child runs to pass on; empty if none.
const std::string& catalog_file();

// In a child forked from a workflow (child_runs.cpp): back to the built-in
// figures with no file laid over them, as a freshly started process begins;
// the child's own command line sets them again.
void reset_catalog_in_forked_child();

}  // namespace fleetsim
