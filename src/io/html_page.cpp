#include "fleetsim/io/html_page.hpp"

#include "fleetsim/io/markup_escape.hpp"

namespace fleetsim {

std::string html_page_start(std::string_view title, std::string_view style) {
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>";
  out += markup_escape(title);
  out += "</title>\n<style>";
  out += style;
  out += "</style>\n</head>\n<body>\n";
  return out;
}

}  // namespace fleetsim
