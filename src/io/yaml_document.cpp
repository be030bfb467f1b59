#include "yaml_document.hpp"

#include <algorithm>
#include <vector>

#include <fmt/format.h>
#include <yaml-cpp/depthguard.h>

#include "fleetsim/input_limits.hpp"
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

}  // namespace

std::optional<YAML::Node> parse_yaml_document(YamlReader& reader, const std::string& text, std::string_view what,
                                              std::string_view empty_hint) {
  if (report_nul_byte(reader, text)) return std::nullopt;
  YAML::Node root;
  try {
    // Every document is parsed: a second one (after "---") is an error, not
    // silently dropped, since its values would otherwise never apply.
    const std::vector<YAML::Node> documents = YAML::LoadAll(text);
    if (!documents.empty()) root = documents.front();
    for (std::size_t i = 1; i < documents.size(); ++i) {
      if (!documents[i].IsDefined() || documents[i].IsNull()) continue;  // a trailing "---" alone
      const auto [line, column] = YamlReader::location(documents[i]);
      reader.error_at(line, column, "",
                      fmt::format("the file holds a second YAML document (document {}, after a \"---\" line); "
                                  "expected one document",
                                  i + 1),
                      "put each scenario in its own file, or use variants: for alternatives in one file");
      return std::nullopt;
    }
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
