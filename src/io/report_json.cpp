#include "report_json.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fleetsim/io/json_numbers.hpp"
#include "fleetsim/io/report_writers.hpp"
#include "report_fields.hpp"

namespace fleetsim {
namespace {

using Json = nlohmann::ordered_json;
using json_numbers::number_or_null;

// The report carries the models as one comma-separated string; consumers of
// JSON should not have to split it themselves.
Json model_list(const std::string& models) {
  Json list = Json::array();
  std::size_t begin = 0;
  while (begin <= models.size()) {
    std::size_t end = models.find(',', begin);
    if (end == std::string::npos) end = models.size();
    std::string name = models.substr(begin, end - begin);
    const auto first = name.find_first_not_of(" \t");
    if (first != std::string::npos)
      list.push_back(name.substr(first, name.find_last_not_of(" \t") - first + 1));
    begin = end + 1;
  }
  return list;
}

// The writing side of report_fields.hpp: each member into one JSON object.
class JsonWriter {
 public:
  explicit JsonWriter(Json& object) : j_(object) {}

  void figure(const char* key, double x) { j_[key] = number_or_null(x); }
  template <typename Integer>
  void count(const char* key, Integer n) {
    j_[key] = n;
  }
  void text(const char* key, const std::string& s) { j_[key] = s; }
  void flag(const char* key, bool b) { j_[key] = b; }
  void text_unless(const char* key, const std::string& s, std::string_view absent) {
    if (s != absent) j_[key] = s;
  }
  void text_or_null(const char* key, const std::string& s) { j_[key] = s.empty() ? Json(nullptr) : Json(s); }
  void figure_if(const char* key, double x, bool shown) {
    if (shown) figure(key, x);
  }
  void optional_figure(const char* key, const std::optional<double>& x) {
    if (x) figure(key, *x);
  }
  void optional_count(const char* key, const std::optional<std::int64_t>& n) {
    if (n) count(key, *n);
  }
  void word_if(const char* key, bool b, const char* yes, const char* /*no: the default, left out*/) {
    if (b) j_[key] = yes;
  }
  void names(const char* key, const std::vector<std::string>& v) { j_[key] = v; }
  void joined_names(const char* key, const std::string& s) { j_[key] = model_list(s); }

  template <typename Part>
  void object(const char* key, const Part& x) {
    j_[key] = written(x);
  }
  template <typename Part>
  void optional(const char* key, const std::optional<Part>& x) {
    if (x) object(key, *x);
  }
  template <typename Part>
  void list(const char* key, const std::vector<Part>& v) {
    Json items = Json::array();
    for (const Part& x : v) items.push_back(written(x));
    j_[key] = std::move(items);
  }
  template <typename Part>
  void list_unless_empty(const char* key, const std::vector<Part>& v) {
    if (!v.empty()) list(key, v);
  }
  template <typename Members>
  void group(const char* key, Members members) {
    Json sub = Json::object();
    JsonWriter w(sub);
    members(w);
    j_[key] = std::move(sub);
  }
  void nested_report(const char* key, const std::shared_ptr<const Report>& r) {
    j_[key] = r ? report_to_json(*r) : Json();
  }

 private:
  template <typename Part>
  static Json written(const Part& x) {
    Json sub = Json::object();
    JsonWriter w(sub);
    report_fields(w, x);
    return sub;
  }

  Json& j_;
};

}  // namespace

nlohmann::ordered_json report_to_json(const Report& report) {
  Json j = Json::object();
  j["schema"] = kReportSchema;
  JsonWriter w(j);
  report_fields(w, report);
  return j;
}

std::string render_json(const Report& report) {
  // Names come from user files; a stray invalid UTF-8 byte must not abort a
  // finished run, so it is replaced (U+FFFD) rather than thrown on.
  return report_to_json(report).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) +
         "\n";
}

}  // namespace fleetsim
