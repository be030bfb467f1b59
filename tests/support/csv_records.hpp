// A CSV file written by fleetsim (--series, --calls) as rows of cells named
// by its header line; every row must have the header's number of cells.
#pragma once

#include <catch2/catch.hpp>

#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace fleetsim::testing {

inline std::vector<std::map<std::string, std::string>> csv_records(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  std::getline(in, line);
  std::vector<std::string> header;
  std::istringstream h(line);
  for (std::string cell; std::getline(h, cell, ',');) header.push_back(cell);
  std::vector<std::map<std::string, std::string>> rows;
  while (std::getline(in, line)) {
    std::map<std::string, std::string> row;
    std::size_t i = 0, from = 0;
    for (;; ++i) {
      const auto comma = line.find(',', from);
      REQUIRE(i < header.size());
      row[header[i]] = line.substr(from, comma == std::string::npos ? std::string::npos : comma - from);
      if (comma == std::string::npos) break;
      from = comma + 1;
    }
    CHECK(i + 1 == header.size());
    rows.push_back(row);
  }
  return rows;
}

}  // namespace fleetsim::testing
