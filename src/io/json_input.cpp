#include "fleetsim/io/json_input.hpp"

#include <fmt/format.h>

namespace fleetsim {

nlohmann::ordered_json parse_json_input(const std::string& text, std::string& error) {
  using Json = nlohmann::ordered_json;
  bool too_deep = false;
  // The parser itself is iterative; past the limit every value is discarded,
  // so the tree that is built stays shallow.
  Json j = Json::parse(
      text,
      [&](int depth, Json::parse_event_t, Json&) {
        if (depth > kMaxJsonDepth) too_deep = true;
        return !too_deep;
      },
      false);
  if (too_deep) {
    error = fmt::format("the JSON nests more than {} levels deep", kMaxJsonDepth);
    return Json(Json::value_t::discarded);
  }
  if (j.is_discarded()) error = "not valid JSON";
  return j;
}

}  // namespace fleetsim
