// Cutting the `sources:` maps out of a catalog's text, line by line.
#include <catch2/catch.hpp>

#include "../src/io/catalog_without_sources.hpp"

using fleetsim::without_sources;

TEST_CASE("A sources map is cut with its nested, blank and comment lines, and nothing else", "[catalog]") {
  const std::string text =
      "hardware:\n"
      "  a:\n"
      "    clock: 2GHz\n"
      "    sources:\n"
      "      clock: \"datasheet: sources: 2 GHz\"\n"
      "\n"
      "# a comment inside the map\n"
      "      power: >\n"
      "        folded, still nested\n"
      "    price_per_hour: 1\n"
      "  b:\n"
      "    sources: {clock: inline}\n"
      "    clock: 3GHz\n"
      "    description: \"no sources: here\"\n"
      "  c: {clock: 1GHz}";
  CHECK(without_sources(text) ==
        "hardware:\n"
        "  a:\n"
        "    clock: 2GHz\n"
        "    price_per_hour: 1\n"
        "  b:\n"
        "    clock: 3GHz\n"
        "    description: \"no sources: here\"\n"
        "  c: {clock: 1GHz}\n");
  CHECK(without_sources("") == "");
  CHECK(without_sources("sources:\n  x: 1\n") == "");
}
