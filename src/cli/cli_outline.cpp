#include "cli_outline.hpp"

#include <string_view>

namespace fleetsim {
namespace {

// CLI11 2.1 keeps an IsMember check's set only inside the check, and shows it
// in --help as the check's description "{a,b,c}"; that description is read
// back here. Other checks (ranges, custom ones) describe no set.
std::vector<std::string> choices_of(std::string_view description) {
  std::vector<std::string> choices;
  if (description.size() < 2 || description.front() != '{' || description.back() != '}') return choices;
  description = description.substr(1, description.size() - 2);
  while (!description.empty()) {
    const auto comma = description.find(',');
    choices.emplace_back(description.substr(0, comma));
    if (comma == std::string_view::npos) break;
    description.remove_prefix(comma + 1);
  }
  return choices;
}

OptionOutline outline_option(CLI::Option& option) {
  OptionOutline o;
  o.positional = !option.nonpositional();
  if (o.positional) {
    o.names.push_back(option.get_name(true));
  } else {
    for (const auto& s : option.get_snames()) o.names.push_back("-" + s);
    for (const auto& l : option.get_lnames()) o.names.push_back("--" + l);
  }
  o.required = option.get_required();
  o.description = option.get_description();
  o.default_value = option.get_default_str();
  if (option.get_items_expected_max() == 0) return o;  // a flag: CLI11's add_flag expects no value

  o.repeatable = option.get_items_expected_max() > 1 ||
                 option.get_multi_option_policy() == CLI::MultiOptionPolicy::TakeAll;
  // get_type_name() is the type name followed by ":DESCRIPTION" for each check
  // that has one; CLI11 2.1 has no count of checks, so they are read by index
  // until it says there are no more.
  std::string type = option.get_type_name();
  for (int i = 0;; ++i) {
    const CLI::Validator* check = nullptr;
    try {
      check = option.get_validator(i);
    } catch (const CLI::OptionNotFound&) {
      break;
    }
    const std::string description = check->get_description();
    if (description.empty()) continue;
    if (o.choices.empty()) o.choices = choices_of(description);
    const std::string suffix = ":" + description;
    if (type.size() >= suffix.size() && type.compare(type.size() - suffix.size(), suffix.size(), suffix) == 0)
      type.erase(type.size() - suffix.size());
  }
  o.value_name = type;
  if (!o.choices.empty()) o.kind = ValueKind::choice;
  else if (type == "DIR") o.kind = ValueKind::directory;
  else if (type == "FILE") o.kind = ValueKind::file;
  else if (type.rfind("FILE.", 0) == 0) {
    o.kind = ValueKind::file;
    o.extension = type.substr(5);
  } else o.kind = ValueKind::text;
  return o;
}

}  // namespace

CommandOutline outline_command_line(CLI::App& app, const std::string& name) {
  CommandOutline c;
  c.name = name;
  c.description = app.get_description();
  c.takes_parent_options = app.get_parent() != nullptr && app.get_fallthrough();
  // An empty group is CLI11's mark of a hidden option or subcommand.
  for (CLI::Option* option : app.get_options([](const CLI::Option* o) { return !o->get_group().empty(); })) {
    OptionOutline o = outline_option(*option);
    (o.positional ? c.positionals : c.options).push_back(std::move(o));
  }
  for (CLI::App* sub : app.get_subcommands([](CLI::App* s) { return !s->get_name().empty() && !s->get_group().empty(); }))
    c.subcommands.push_back(outline_command_line(*sub, sub->get_name()));
  return c;
}

}  // namespace fleetsim
