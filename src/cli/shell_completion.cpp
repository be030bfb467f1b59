#include "shell_completion.hpp"

#include <cctype>
#include <stdexcept>

namespace fleetsim {
namespace {

// Quotes `text` for either shell: inside single quotes nothing is special but
// the quote itself.
std::string shell_quoted(const std::string& text) {
  std::string out = "'";
  for (const char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// A name usable inside a shell function's name.
std::string identifier(const std::string& name) {
  std::string out;
  for (const char c : name) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return out;
}

std::string joined(const std::vector<std::string>& words, const std::string& separator = " ") {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : separator) + w;
  return out;
}

void require_one_level(const CommandOutline& root) {
  for (const auto& sub : root.subcommands)
    if (!sub.subcommands.empty())
      throw std::logic_error("shell completion: nested subcommands (" + root.name + " " + sub.name +
                             " ...) are not supported");
}

// The root's options that a subcommand also accepts (CLI11's fallthrough);
// the subcommand's own --help stands for the root's.
std::vector<const OptionOutline*> inherited_options(const CommandOutline& root, const CommandOutline& sub) {
  std::vector<const OptionOutline*> options;
  if (!sub.takes_parent_options) return options;
  for (const auto& o : root.options)
    if (o.names.back() != "--help") options.push_back(&o);
  return options;
}

std::vector<std::string> all_names(const std::vector<const OptionOutline*>& options) {
  std::vector<std::string> names;
  for (const auto* o : options) names.insert(names.end(), o->names.begin(), o->names.end());
  return names;
}

std::vector<const OptionOutline*> options_of(const CommandOutline& root, const CommandOutline* sub) {
  std::vector<const OptionOutline*> options;
  for (const auto& o : (sub ? sub->options : root.options)) options.push_back(&o);
  if (sub)
    for (const auto* o : inherited_options(root, *sub)) options.push_back(o);
  return options;
}

// --- bash ---------------------------------------------------------------

// A `case` pattern matching "COMMAND NAME" for each name of the option.
std::string bash_patterns(const std::string& command, const OptionOutline& o) {
  std::vector<std::string> patterns;
  for (const auto& name : o.names) patterns.push_back(shell_quoted(command + " " + name));
  return joined(patterns, "|");
}

// Shell code that fills COMPREPLY with the completions of $cur as a value of
// kind `o`, with the helpers of the script whose functions begin with `fn`.
std::string bash_value_action(const std::string& fn, const OptionOutline& o) {
  switch (o.kind) {
    case ValueKind::choice: return "COMPREPLY=($(compgen -W " + shell_quoted(joined(o.choices)) + " -- \"$cur\"))";
    case ValueKind::file: return fn + "_files " + shell_quoted(o.extension);
    case ValueKind::directory: return fn + "_dirs";
    case ValueKind::none:
    case ValueKind::text: break;
  }
  return "COMPREPLY=()";
}

// --- zsh ----------------------------------------------------------------

// Text inside an _arguments description "[...]" or message ":...:", where a
// backslash, the brackets and the colon are special; one line.
std::string zsh_escaped(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (c == '\\' || c == '[' || c == ']' || c == ':') out += '\\';
    out += c == '\n' ? ' ' : c;
  }
  return out;
}

// The _arguments action completing a value of kind `o`.
std::string zsh_action(const OptionOutline& o) {
  switch (o.kind) {
    case ValueKind::choice: return "(" + joined(o.choices) + ")";
    case ValueKind::file: return o.extension.empty() ? "_files" : "_files -g \"*." + o.extension + "\"";
    case ValueKind::directory: return "_files -/";
    case ValueKind::none:
    case ValueKind::text: break;
  }
  return " ";  // a message alone: nothing to offer
}

// What zsh shows while completing a value: the type name, unless it is one
// of CLI11's defaults, which say less than the option's own name.
std::string zsh_message(const OptionOutline& o) {
  for (const char* generic : {"TEXT", "INT", "UINT", "FLOAT", ""})
    if (o.value_name == generic) return o.names.back().substr(o.names.back().find_first_not_of('-'));
  return o.value_name;
}

// The _arguments spec of one option or flag, as shell words:
//   '(-o --output)'{-o,--output}'[description]:FILE:_files'
std::string zsh_option_spec(const OptionOutline& o) {
  std::string exclusive, names;
  // Help and version end the command line; options given once exclude their other names.
  const bool ends = o.names.back() == "--help" || o.names.back() == "--version";
  if (ends) exclusive = "(- *)";
  else if (!o.repeatable && o.names.size() > 1) exclusive = "(" + joined(o.names) + ")";
  const std::string repeat = o.repeatable ? "*" : "";
  std::string spec = "[" + zsh_escaped(o.description) + "]";
  if (o.kind != ValueKind::none) spec += ":" + zsh_escaped(zsh_message(o)) + ":" + zsh_action(o);
  if (o.names.size() == 1) return shell_quoted(exclusive + repeat + o.names.front() + spec);
  std::vector<std::string> each;  // brace expansion: one spec per name
  for (const auto& n : o.names) each.push_back(shell_quoted(n));
  return shell_quoted(exclusive + repeat) + "{" + joined(each, ",") + "}" + shell_quoted(spec);
}

// The spec of positional argument `index` (from 1), or of every one from
// there on when it takes several.
std::string zsh_positional_spec(const OptionOutline& p, std::size_t index, bool last) {
  const std::string position = p.repeatable && last ? "*" : std::to_string(index);
  const std::string optional = p.required || position == "*" ? ":" : "::";
  return shell_quoted(position + optional + zsh_escaped(p.names.front()) + ":" + zsh_action(p));
}

}  // namespace

std::string bash_completion_script(const CommandOutline& root) {
  require_one_level(root);
  const std::string fn = "_" + identifier(root.name);
  // (command, option) for every option of the root ("") and of each subcommand.
  std::vector<std::pair<std::string, const OptionOutline*>> scoped;
  for (const auto* o : options_of(root, nullptr)) scoped.emplace_back("", o);
  for (const auto& sub : root.subcommands)
    for (const auto* o : options_of(root, &sub)) scoped.emplace_back(sub.name, o);

  std::string s;
  s += "# bash completion for " + root.name + "\n";
  s += "# Generated by `" + root.name + " completion bash` from " + root.name +
       "'s own command-line definition:\n# regenerate it rather than edit it.\n\n";

  s += "# Exit status 0 when option $2 of command $1 (\"\" before the command) takes a value.\n";
  s += fn + "_takes_value() {\n  case \"$1 $2\" in\n";
  for (const auto& [command, o] : scoped)
    if (o->kind != ValueKind::none) s += "    " + bash_patterns(command, *o) + ") return 0 ;;\n";
  s += "  esac\n  return 1\n}\n\n";

  s += "# Completes $cur as a value of option $2 of command $1.\n";
  s += fn + "_value() {\n  case \"$1 $2\" in\n";
  for (const auto& [command, o] : scoped)
    if (o->kind == ValueKind::choice || o->kind == ValueKind::file || o->kind == ValueKind::directory)
      s += "    " + bash_patterns(command, *o) + ") " + bash_value_action(fn, *o) + " ;;\n";
  s += "    *) COMPREPLY=() ;;  # free text: nothing to offer\n  esac\n}\n\n";

  s += "# Completes $cur as positional argument number $2 (from 0) of command $1.\n";
  s += fn + "_positional() {\n  case \"$1 $2\" in\n";
  for (const auto& sub : root.subcommands)
    for (std::size_t i = 0; i < sub.positionals.size(); ++i) {
      const auto& p = sub.positionals[i];
      // The last positional argument, when it takes several, takes every word from there on.
      const bool rest = p.repeatable && i + 1 == sub.positionals.size();
      std::string pattern = shell_quoted(sub.name + " " + (rest ? "" : std::to_string(i))) + (rest ? "*" : "");
      s += "    " + pattern + ") " + bash_value_action(fn, p) + " ;;\n";
    }
  s += "    *) COMPREPLY=() ;;\n  esac\n}\n\n";

  s += "# The options and flags of command $1 (\"\" before the command).\n";
  s += fn + "_options() {\n  case $1 in\n";
  s += "    '') echo " + shell_quoted(joined(all_names(options_of(root, nullptr)))) + " ;;\n";
  for (const auto& sub : root.subcommands)
    s += "    " + shell_quoted(sub.name) + ") echo " + shell_quoted(joined(all_names(options_of(root, &sub)))) + " ;;\n";
  s += "  esac\n}\n\n";

  std::vector<std::string> commands;
  for (const auto& sub : root.subcommands) commands.push_back(sub.name);
  s += "# File names ending in .$1 (any when $1 is empty), and directories to go into.\n";
  s += fn + "_files() {\n"
            "  local IFS=$'\\n'\n"
            "  if [[ -n $1 ]]; then\n"
            "    COMPREPLY=($(compgen -f -X \"!*.$1\" -- \"$cur\") $(compgen -d -- \"$cur\"))\n"
            "  else\n"
            "    COMPREPLY=($(compgen -f -- \"$cur\"))\n"
            "  fi\n"
            "  compopt -o filenames 2>/dev/null\n"  // quotes and marks directories; only inside a completion
            "}\n\n";
  s += fn + "_dirs() {\n"
            "  local IFS=$'\\n'\n"
            "  COMPREPLY=($(compgen -d -- \"$cur\"))\n"
            "  compopt -o filenames 2>/dev/null\n"
            "}\n\n";

  s += fn + "() {\n"
            "  local cur=${COMP_WORDS[COMP_CWORD]} command='' positional=0 i word\n"
            "  # The words before the cursor: the command is the first that is neither an\n"
            "  # option nor an option's value; after it, count the positional arguments.\n"
            "  # bash splits --option=value into three words at the \"=\".\n"
            "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
            "    word=${COMP_WORDS[i]}\n"
            "    if [[ $word == -* ]]; then\n"
            "      if " + fn + "_takes_value \"$command\" \"$word\"; then\n"
            "        if [[ ${COMP_WORDS[i+1]} == = ]]; then ((i += 2)); else ((i += 1)); fi\n"
            "      fi\n"
            "    elif [[ -z $command ]]; then\n"
            "      command=$word\n"
            "    else\n"
            "      ((positional += 1))\n"
            "    fi\n"
            "  done\n"
            "  # The value of an option: after \"--option \", \"--option=\" or \"--option=partial\".\n"
            "  local option=''\n"
            "  if [[ $cur == = ]]; then\n"
            "    option=${COMP_WORDS[COMP_CWORD-1]}\n"
            "    cur=''\n"
            "  elif ((COMP_CWORD >= 2)) && [[ ${COMP_WORDS[COMP_CWORD-1]} == = ]]; then\n"
            "    option=${COMP_WORDS[COMP_CWORD-2]}\n"
            "  elif ((COMP_CWORD >= 2)) && " + fn + "_takes_value \"$command\" \"${COMP_WORDS[COMP_CWORD-1]}\"; then\n"
            "    option=${COMP_WORDS[COMP_CWORD-1]}\n"
            "  fi\n"
            "  if [[ -n $option ]]; then\n"
            "    " + fn + "_value \"$command\" \"$option\"\n"
            "  elif [[ $cur == -* ]]; then\n"
            "    COMPREPLY=($(compgen -W \"$(" + fn + "_options \"$command\")\" -- \"$cur\"))\n"
            "  elif [[ -z $command ]]; then\n"
            "    COMPREPLY=($(compgen -W " + shell_quoted(joined(commands)) + " -- \"$cur\"))\n"
            "  else\n"
            "    " + fn + "_positional \"$command\" \"$positional\"\n"
            "  fi\n"
            "}\n\n";
  s += "complete -F " + fn + " " + root.name + "\n";
  return s;
}


std::string zsh_completion_script(const CommandOutline& root) {
  require_one_level(root);
  const std::string fn = "_" + identifier(root.name);
  const std::string continued = " \\\n    ";
  std::string s;
  s += "#compdef " + root.name + "\n";
  s += "# zsh completion for " + root.name + "\n";
  s += "# Generated by `" + root.name + " completion zsh` from " + root.name +
       "'s own command-line definition:\n# regenerate it rather than edit it.\n\n";

  for (const auto& sub : root.subcommands) {
    s += fn + "_" + identifier(sub.name) + "() {\n  _arguments -s -S";
    for (const auto* o : options_of(root, &sub)) s += continued + zsh_option_spec(*o);
    for (std::size_t i = 0; i < sub.positionals.size(); ++i)
      s += continued + zsh_positional_spec(sub.positionals[i], i + 1, i + 1 == sub.positionals.size());
    s += "\n}\n\n";
  }

  s += fn + "() {\n"
            "  local curcontext=$curcontext state state_descr line ret=1\n"
            "  typeset -A opt_args\n"
            "  _arguments -C -s -S";
  for (const auto* o : options_of(root, nullptr)) s += continued + zsh_option_spec(*o);
  s += continued + "'1: :->command'" + continued + "'*:: :->argument' && ret=0\n";
  s += "  case $state in\n"
       "    command)\n"
       "      local -a commands\n"
       "      commands=(\n";
  for (const auto& sub : root.subcommands)
    s += "        " + shell_quoted(zsh_escaped(sub.name) + ":" + zsh_escaped(sub.description)) + "\n";
  s += "      )\n"
       "      _describe -t commands " + shell_quoted(root.name + " command") + " commands && ret=0\n"
       "      ;;\n"
       "    argument)\n"
       "      curcontext=${curcontext%:*:*}:" + root.name + "-$words[1]:\n"
       "      case $words[1] in\n";
  for (const auto& sub : root.subcommands)
    s += "        " + shell_quoted(sub.name) + ") " + fn + "_" + identifier(sub.name) + " && ret=0 ;;\n";
  s += "      esac\n"
       "      ;;\n"
       "  esac\n"
       "  return ret\n"
       "}\n\n";
  // Autoloaded from a directory in $fpath, this file is the body of the
  // function: complete. Sourced, it registers the function instead.
  s += "if [[ $funcstack[1] == " + fn + " ]]; then\n"
       "  " + fn + " \"$@\"\n"
       "else\n"
       "  compdef " + fn + " " + root.name + "\n"
       "fi\n";
  return s;
}

}  // namespace fleetsim
