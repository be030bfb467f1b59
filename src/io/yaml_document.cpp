#include "fleetsim/io/yaml_document.hpp"

#include <algorithm>
#include <sstream>

#include <fmt/format.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>

#include "fleetsim/io/input_limits.hpp"
#include "yaml_limits.hpp"

namespace fleetsim {
namespace {

// yaml-cpp's messages are terse; these are the ones people meet most.
std::string hint_for_syntax_error(const std::string& message) {
  if (message.find("illegal map value") != std::string::npos)
    return "a value containing \": \" must be quoted, and a key cannot follow a value on the same line";
  if (message.find("end of map not found") != std::string::npos ||
      message.find("end of sequence not found") != std::string::npos)
    return "check that every '{' and '[' is closed, and the indentation of the lines around";
  if (message.find("tab") != std::string::npos) return "indent with spaces, not tabs";
  if (message.find("unknown escape") != std::string::npos)
    return "inside double quotes a backslash starts an escape; use single quotes for literal backslashes";
  return "check the indentation and quoting on this line and the one before";
}

// yaml-cpp reads a NUL byte as the end of a quoted escape or of the text,
// with baffling messages; say what it is.
bool report_nul_byte(YamlReader& reader, const std::string& text) {
  const std::size_t at = text.find('\0');
  if (at == std::string::npos) return false;
  const int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
  const std::size_t line_start = text.rfind('\n', at);
  const int column = static_cast<int>(at - (line_start == std::string::npos ? 0 : line_start + 1)) + 1;
  reader.error_at(line, column, "", "the file contains a NUL byte; expected YAML text",
                  "is this a binary file, or text in UTF-16? save it as UTF-8");
  return true;
}

// What one document of a stream holds, seen through the parser's events: how
// many nodes, and where the first starts. A document of one null node is empty
// (a lone "---" line, or nothing before the end).
class DocumentProbe final : public YAML::EventHandler {
 public:
  int nodes() const { return nodes_; }
  bool only_null() const { return nodes_ == 1 && first_is_null_; }
  const YAML::Mark& first() const { return first_; }

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { note(mark, true); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { note(mark, false); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t, const std::string&) override {
    note(mark, false);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    note(mark, false);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    note(mark, false);
  }
  void OnMapEnd() override {}

 private:
  void note(const YAML::Mark& mark, bool is_null) {
    if (nodes_++ == 0) {
      first_ = mark;
      first_is_null_ = is_null;
    }
  }
  int nodes_ = 0;
  bool first_is_null_ = false;
  YAML::Mark first_;
};

// Whether the text holds one document and no more: the stream probed one
// document at a time, never with YAML::LoadAll
// (yaml-cpp 0.7's parser does not consume a ',' where a document's root
// should start, and yields empty documents at the same place for ever:
// LoadAll then never returns; found by fuzz/fuzz_scenario_loader). Reports a
// second document, or that endless empty one, and returns false.
bool single_document(YamlReader& reader, const std::string& text) {
  std::istringstream stream(text);
  YAML::Parser parser(stream);
  int previous_null_at = -1;  // where the last empty document was seen
  for (int index = 1;; ++index) {
    DocumentProbe document;
    if (!parser.HandleNextDocument(document)) return true;
    const YAML::Mark& at = document.first();
    if (document.only_null()) {
      if (at.pos == previous_null_at) {
        reader.error_at(at.line + 1, at.column + 1, "", "YAML syntax error: a value cannot start here",
                        "a ',' separates items only inside [ ] or { }; quote a value that starts with ','");
        return false;
      }
      previous_null_at = at.pos;
    } else if (index > 1 && document.nodes() > 0) {
      reader.error_at(at.line + 1, at.column + 1, "",
                      fmt::format("the file holds a second YAML document (document {}, after a \"---\" line); "
                                  "expected one document",
                                  index),
                      "put each scenario in its own file, or use variants: for alternatives in one file");
      return false;
    }
  }
}

// Whether nothing can follow the document `root` was loaded from, seen from
// the text alone, so that probing the stream (a second full parse, half of
// reading a large file) can be skipped. Only for a block map at column c, the
// form of every file fleetsim reads: such a map ends only at a token in
// column c or left of it (or at a document marker, also in column 0), so when
// every line after the map's last node is blank, a comment, or indented past
// c, all of them belong to the map (yaml-cpp read them as its content, or
// threw), and the stream holds no other document. The last node is found by
// following the last entry down. A null value's mark may be the next
// token's, so the walk stops at one; an alias carries its anchor's marks,
// which stand earlier and only leave more lines to check. A false answer
// only means "probe".
bool nothing_after(const std::string& text, const YAML::Node& root) {
  if (!root.IsMap() || root.Style() != YAML::EmitterStyle::Block) return false;
  const int column = root.Mark().column;
  if (column < 0) return false;
  // (Node::reset rebinds a handle; assigning one Node to another would
  // rewrite the tree.)
  int last_line = root.Mark().line;
  YAML::Node node;
  node.reset(root);
  for (int depth = 0; depth < limits::kMaxYamlDepth && (node.IsMap() || node.IsSequence()) && node.size() > 0;
       ++depth) {
    YAML::Node last;
    const bool map = node.IsMap();
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (map) {
        last_line = std::max(last_line, it->first.Mark().line);
        last.reset(it->second);
      } else {
        last.reset(*it);
      }
    }
    if (!last.IsDefined() || last.IsNull()) break;
    last_line = std::max(last_line, last.Mark().line);
    node.reset(last);
  }
  // Skip to the line after last_line.
  std::size_t at = 0;
  for (int line = 0; line <= last_line; ++line) {
    at = text.find('\n', at);
    if (at == std::string::npos) return true;
    ++at;
  }
  while (at < text.size()) {
    std::size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    const std::string_view line(text.data() + at, end - at);
    const std::size_t spaces = line.find_first_not_of(' ');
    if (spaces != std::string_view::npos) {
      const char first = line[spaces];
      if (first == '\t') return false;  // tabs are not indentation: let the probe judge
      const bool blank = first == '\r' && spaces + 1 == line.size();
      if (!blank && first != '#' && spaces <= static_cast<std::size_t>(column)) return false;
    }
    at = end + 1;
  }
  return true;
}

}  // namespace

std::optional<YAML::Node> parse_yaml_document(YamlReader& reader, const std::string& text, std::string_view what,
                                              std::string_view empty_hint) {
  if (report_nul_byte(reader, text)) return std::nullopt;
  YAML::Node root;
  try {
    // The first document, then whether another follows it: a second
    // document is an error, not silently dropped, since its values would
    // otherwise never apply.
    root = YAML::Load(text);
    if (!nothing_after(text, root) && !single_document(reader, text)) return std::nullopt;
  } catch (const YAML::DeepRecursion& e) {
    // yaml-cpp calls this "bad file".
    const bool located = !e.mark.is_null() && e.mark.line >= 0;
    reader.error_at(located ? e.mark.line + 1 : 0, located ? e.mark.column + 1 : 0, "",
                    fmt::format("the YAML nests too deeply to read (over {} levels); fleetsim reads at most {}",
                                e.depth(), limits::kMaxYamlDepth),
                    "a scenario needs a few levels; is the file generated wrongly?");
    return std::nullopt;
  } catch (const YAML::Exception& e) {
    const bool located = !e.mark.is_null() && e.mark.line >= 0;
    reader.error_at(located ? e.mark.line + 1 : 0, located ? e.mark.column + 1 : 0, "",
                    "YAML syntax error: " + e.msg, hint_for_syntax_error(e.msg));
    return std::nullopt;
  } catch (const std::exception& e) {
    reader.error_at(0, 0, "", std::string("cannot parse the YAML: ") + e.what());
    return std::nullopt;
  }
  if (!root.IsDefined() || root.IsNull()) {
    reader.error_at(0, 0, "", fmt::format("the file is empty; expected {}", what), std::string(empty_hint));
    return std::nullopt;
  }
  if (!check_yaml_limits(reader, root)) return std::nullopt;
  return root;
}

}  // namespace fleetsim
