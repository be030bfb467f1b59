// Parsing JSON inputs (reports, sweep rows) within a nesting limit: the
// readers walk objects recursively, and a file of 100,000 nested brackets
// must be an error, not a stack overflow.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace fleetsim {

// Deeper than this is refused; reports nest 5 levels.
inline constexpr int kMaxJsonDepth = 64;

// The parsed value, or a discarded value with `error` set ("not valid JSON",
// "nests more than 64 levels deep").
nlohmann::ordered_json parse_json_input(const std::string& text, std::string& error);

}  // namespace fleetsim
