#include "fleetsim/io/report_reader.hpp"

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "report_fields.hpp"
#include "report_json.hpp"

namespace fleetsim {
namespace {

using Json = nlohmann::ordered_json;

// The first problem found, with the path of the field: thrown, as one bad
// field makes the whole report unreadable.
struct ReadError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The members of one JSON object, read by name; `where` is its path
// ("pools.1"), for messages.
class Fields {
 public:
  Fields(const Json& object, std::string where) : object_(object), where_(std::move(where)) {
    if (!object_.is_object()) fail("", "expected an object");
  }

  bool has(const char* key) const { return object_.contains(key); }

  // A figure: null (the writer's non-finite number) reads as NaN.
  double number(const char* key) const {
    const Json& v = at(key);
    if (v.is_null()) return std::numeric_limits<double>::quiet_NaN();
    if (!v.is_number()) fail(key, "expected a number or null");
    return v.get<double>();
  }

  // A count: an integer within the field's range (nlohmann would wrap one
  // outside it silently).
  template <typename Integer>
  Integer integer(const char* key) const {
    const Json& v = at(key);
    if (!v.is_number_integer()) fail(key, "expected an integer");
    using Limits = std::numeric_limits<Integer>;
    const auto max = static_cast<std::uint64_t>(Limits::max());
    bool fits = false;
    if (v.is_number_unsigned()) {
      fits = v.get<std::uint64_t>() <= max;
    } else {
      const auto x = v.get<std::int64_t>();
      fits = x >= 0 ? static_cast<std::uint64_t>(x) <= max
                    : Limits::is_signed && x >= static_cast<std::int64_t>(Limits::min());
    }
    if (!fits) fail(key, "out of range");
    return v.get<Integer>();
  }

  bool boolean(const char* key) const {
    const Json& v = at(key);
    if (!v.is_boolean()) fail(key, "expected true or false");
    return v.get<bool>();
  }

  std::string text(const char* key) const {
    const Json& v = at(key);
    if (!v.is_string()) fail(key, "expected text");
    return v.get<std::string>();
  }

  Fields object(const char* key) const { return Fields(at(key), path(key)); }

  // The list's items, each with its path.
  template <typename Read>
  void each(const char* key, Read read) const {
    const Json& v = at(key);
    if (!v.is_array()) fail(key, "expected a list");
    for (std::size_t i = 0; i < v.size(); ++i) read(v[i], path(key) + "." + std::to_string(i));
  }

  // The reading side of report_fields.hpp (which says what each member is).
  void figure(const char* key, double& x) const { x = number(key); }
  template <typename Integer>
  void count(const char* key, Integer& n) const {
    n = integer<Integer>(key);
  }
  void text(const char* key, std::string& s) const { s = text(key); }
  void flag(const char* key, bool& b) const { b = boolean(key); }
  void text_unless(const char* key, std::string& s, std::string_view absent) const {
    s = has(key) ? text(key) : std::string(absent);
  }
  void text_or_null(const char* key, std::string& s) const { s = at(key).is_null() ? std::string() : text(key); }
  void figure_if(const char* key, double& x, bool /*shown: the writer's choice*/) const {
    if (has(key)) x = number(key);
  }
  void optional_figure(const char* key, std::optional<double>& x) const {
    if (has(key)) x = number(key);
  }
  void optional_count(const char* key, std::optional<std::int64_t>& n) const {
    if (has(key)) n = integer<std::int64_t>(key);
  }
  void word_if(const char* key, bool& b, const char* yes, const char* no) const {
    if (!has(key)) return;
    const std::string word = text(key);
    if (word != yes && word != no) fail(key, "expected \"" + std::string(yes) + "\" or \"" + no + "\"");
    b = word == yes;
  }
  void names(const char* key, std::vector<std::string>& v) const {
    each(key, [&](const Json& name, const std::string& where) {
      if (!name.is_string()) throw ReadError(where + ": expected text");
      v.push_back(name.get<std::string>());
    });
  }
  // The list's names joined with commas, as the report builder joins them.
  void joined_names(const char* key, std::string& s) const {
    each(key, [&](const Json& name, const std::string& where) {
      if (!name.is_string()) throw ReadError(where + ": expected text");
      s += (s.empty() ? "" : ",") + name.get<std::string>();
    });
  }
  template <typename Part>
  void object(const char* key, Part& x) const {
    Fields sub = object(key);
    report_fields(sub, x);
  }
  template <typename Part>
  void optional(const char* key, std::optional<Part>& x) const {
    if (has(key)) object(key, x.emplace());
  }
  template <typename Part>
  void list(const char* key, std::vector<Part>& v) const {
    each(key, [&](const Json& item, const std::string& where) {
      Fields sub(item, where);
      report_fields(sub, v.emplace_back());
    });
  }
  template <typename Part>
  void list_unless_empty(const char* key, std::vector<Part>& v) const {
    if (has(key)) list(key, v);
  }
  template <typename Members>
  void group(const char* key, Members members) const {
    Fields sub = object(key);
    members(sub);
  }
  // Defined after read_report, which it calls.
  void nested_report(const char* key, std::shared_ptr<const Report>& r) const;

  [[noreturn]] void fail(std::string_view key, std::string_view problem) const {
    throw ReadError(path(key) + ": " + std::string(problem));
  }

 private:
  const Json& at(const char* key) const {
    const auto it = object_.find(key);
    if (it == object_.end()) fail(key, "missing");
    return *it;
  }
  std::string path(std::string_view key) const {
    if (key.empty()) return where_.empty() ? "the report" : where_;
    return where_.empty() ? std::string(key) : where_ + "." + std::string(key);
  }

  const Json& object_;
  std::string where_;
};

Report read_report(const Fields& root) {
  if (root.text("schema") != kReportSchema)
    root.fail("schema", "is " + root.text("schema") + ", not " + std::string(kReportSchema));
  Report report;
  Fields side = root;
  report_fields(side, report);
  return report;
}

// A cell's own report (docs/cells.md): a whole report, schema included.
void Fields::nested_report(const char* key, std::shared_ptr<const Report>& r) const {
  const Fields inner = object(key);
  if (inner.has("cells")) inner.fail("cells", "a cell's report cannot have cells of its own");
  r = std::make_shared<const Report>(read_report(inner));
}

}  // namespace

std::optional<Report> report_from_json(const nlohmann::ordered_json& json, std::string& error) {
  try {
    return read_report(Fields(json, ""));
  } catch (const ReadError& e) {
    error = e.what();
  }
  return std::nullopt;
}

}  // namespace fleetsim
