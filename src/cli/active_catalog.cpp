#include "active_catalog.hpp"

#include <iostream>
#include <memory>

#include "fleetsim/io/input_file.hpp"

namespace fleetsim {
namespace {

std::unique_ptr<Catalog>& overlaid() {
  static std::unique_ptr<Catalog> catalog;
  return catalog;
}

std::string& file_name() {
  static std::string name;
  return name;
}

bool& sources_kept() {
  static bool kept = false;
  return kept;
}

const Catalog& builtin() { return sources_kept() ? Catalog::builtin() : Catalog::builtin_figures(); }

}  // namespace

const Catalog& active_catalog() { return overlaid() ? *overlaid() : builtin(); }

void keep_catalog_sources() { sources_kept() = true; }

const std::string& catalog_file() { return file_name(); }

void reset_catalog_in_forked_child() {
  overlaid().reset();
  file_name().clear();
  sources_kept() = false;
}

bool use_catalog_file(const std::string& path) {
  std::string error;
  const auto text = read_input_file(path, error);
  if (!text) {
    std::cerr << "fleetsim: error: --catalog: cannot read '" << path << "': " << error << "\n";
    return false;
  }
  std::vector<Diagnostic> diagnostics;
  auto catalog = overlay_catalog(builtin(), *text, path, diagnostics);
  for (const auto& d : diagnostics) std::cerr << d.format() << "\n";
  if (!catalog) {
    std::cerr << path << ": the catalog file has errors, nothing was run\n";
    return false;
  }
  overlaid() = std::make_unique<Catalog>(std::move(*catalog));
  file_name() = path;
  return true;
}

}  // namespace fleetsim
