// parse_yaml_document: one document per file, read in one pass when the text
// shows nothing can follow it, probed document by document otherwise.
#include <catch2/catch.hpp>

#include "fleetsim/io/yaml_document.hpp"

namespace fleetsim {
namespace {

struct Parsed {
  std::optional<YAML::Node> root;
  std::vector<Diagnostic> diagnostics;
};

Parsed parse(const std::string& text) {
  Parsed p;
  YamlReader reader("t.yaml", p.diagnostics);
  p.root = parse_yaml_document(reader, text, "a map");
  return p;
}

bool second_document(const Parsed& p) {
  for (const auto& d : p.diagnostics)
    if (d.message.find("second YAML document") != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("One document is read whole, whatever follows its last node in its own block", "[yaml]") {
  for (const char* text : {
           "a: 1\nb: [2, 3]\n",
           "a: 1\nb: a plain scalar\n  continued on the next line\n",  // a multi-line plain scalar
           "a: 1\nb: |\n  a block scalar\n  of two lines\n",
           "a: 1\nb:\n  - x\n  - y\n# a comment at column 0\n\n   \n",
           "a: 1\r\nb: 2\r\n\r\n",
           "---\na: 1\nb: {c: 2}\n",
           "a: 1\n---\n",  // a trailing "---" alone holds no document
       }) {
    INFO(text);
    const Parsed p = parse(text);
    REQUIRE(p.root);
    CHECK(p.diagnostics.empty());
    CHECK((*p.root)["a"].as<int>() == 1);
  }
}

TEST_CASE("Finding the last node leaves the tree as it was read", "[yaml]") {
  // The walk rebinds handles (Node::reset); assigning one Node to another
  // would rewrite the nodes it passes through.
  const Parsed p = parse("a: 1\nb: {c: 2, d: [3, 4]}\ne: &x {f: 5}\ng: *x\n");
  REQUIRE(p.root);
  const YAML::Node& root = *p.root;
  CHECK(root["a"].as<int>() == 1);
  CHECK(root["b"]["c"].as<int>() == 2);
  CHECK(root["b"]["d"][0].as<int>() == 3);
  CHECK(root["b"]["d"][1].as<int>() == 4);
  CHECK(root["e"]["f"].as<int>() == 5);
  CHECK(root["g"]["f"].as<int>() == 5);
  CHECK(root.size() == 4);
}

TEST_CASE("A second document is found wherever the first one's end leaves it", "[yaml]") {
  for (const char* text : {
           "a: 1\n---\nb: 2\n",
           "a: 1\n...\n---\nb: 2\n",
           "x: &k {a: 1}\na: *k\n---\nz: 1\n",  // the last value an alias, marked where its anchor is
           "a: 1\nb:\n---\nz: 1\n",             // the last value null
           "  a: 1\n b: 2\n",                   // a root map at column 2, then a line at column 1
       }) {
    INFO(text);
    const Parsed p = parse(text);
    CHECK_FALSE(p.root);
    CHECK(second_document(p));
  }
}

TEST_CASE("A ',' where a document should start is a syntax error, not an endless stream", "[yaml]") {
  for (const char* text : {",", "a: 1\n,\n", "a:\n,\n"}) {
    INFO(text);
    const Parsed p = parse(text);
    CHECK_FALSE(p.root);
    REQUIRE_FALSE(p.diagnostics.empty());
    CHECK(p.diagnostics.front().message.find("YAML syntax error") != std::string::npos);
  }
}

}  // namespace fleetsim
