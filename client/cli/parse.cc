// Parse: presencectl's command line, built from the verb table (verbs.h).
#include <map>
#include <sstream>
#include <stdexcept>

#include "cli.h"
#include "help_text.h"
#include "verbs.h"

namespace presence::ctl {
namespace {

// The subcommands of presencectl that gather two-word verbs, each added when
// its first verb is.
class Groups {
 public:
  explicit Groups(CLI::App& app) : app_(app) {}

  // Where a verb's subcommand goes: under presencectl, or its group.
  CLI::App& ParentOf(const Verb& verb) {
    const auto space = verb.path.find(' ');
    if (space == std::string::npos) return app_;
    const std::string name = verb.path.substr(0, space);
    CLI::App*& group = added_[name];
    if (group == nullptr) group = &Add(name);
    return *group;
  }

 private:
  CLI::App& Add(const std::string& name) {
    for (const VerbGroup& group : VerbGroups()) {
      if (group.name != name) continue;
      CLI::App* command = app_.add_subcommand(name, group.summary);
      command->require_subcommand(1);
      command->footer(GroupFooter(name));
      return *command;
    }
    throw std::logic_error("presencectl: no verb group '" + name + "'");
  }

  CLI::App& app_;
  std::map<std::string, CLI::App*> added_;
};

}  // namespace

ParseResult Parse(const std::vector<std::string>& args,
                  const char* env_socket) {
  ParseResult result;
  Invocation inv;
  std::string socket, timeout_text = "5s";

  CLI::App app{kAbout};
  app.name("presencectl");
  app.fallthrough();
  app.require_subcommand(1);
  app.footer(TopFooter());
  app.add_option("--socket", socket,
                 "Socket of presenced (default: $PRESENCED_SOCKET, else "
                 "/run/presenced/presenced.sock)")
      ->type_name("PATH");
  app.add_flag("--json", inv.json,
               "Print one JSON object per result (one per line for streams)");
  app.add_option("--timeout", timeout_text,
                 "How long to wait for presenced, e.g. 500ms, 5s (default 5s)")
      ->type_name("DURATION");
  app.add_flag("-v,--verbose", inv.verbose,
               "hold: report hold events on stderr");

  // Each verb's checks, run once the command line chose it.
  const std::vector<Verb>& verbs = AllVerbs();
  std::vector<std::vector<Check>> checks(verbs.size());
  const std::vector<Check>* chosen_checks = nullptr;
  Groups groups(app);
  for (std::size_t i = 0; i < verbs.size(); ++i) {
    const Verb& verb = verbs[i];
    const std::string name = verb.path.substr(verb.path.rfind(' ') + 1);
    CLI::App* command =
        groups.ParentOf(verb).add_subcommand(name, verb.summary);
    command->footer(Footer(verb.details, verb.exit_status_intro));
    for (const Argument& argument : verb.arguments) {
      checks[i].push_back(argument(*command, inv));
    }
    command->callback([&inv, &verb, &chosen_checks, &checks, i] {
      inv.verb = &verb;
      inv.command = verb.path;
      chosen_checks = &checks[i];
    });
  }

  std::vector<const char*> argv = {"presencectl"};
  for (const auto& a : args) argv.push_back(a.c_str());
  std::ostringstream out, err;
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
    inv.timeout = DurationArgument("--timeout", timeout_text);
    if (inv.timeout.count() <= 0) throw UsageError{"--timeout must be > 0"};
    // A parse that succeeded chose a verb: every group requires one.
    for (const Check& check : *chosen_checks) check();
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e, out, err);
    const bool help = code == 0;
    result.exit_code = help ? kExitOk : kExitUsage;
    if (help) {
      result.out = out.str();
    } else {
      result.err = "presencectl: " + std::string(e.what()) + "\n" +
                   UsageLine(app) +
                   "Run 'presencectl --help' (or COMMAND --help) for usage.\n";
    }
    return result;
  } catch (const UsageError& e) {
    result.exit_code = kExitUsage;
    result.err = "presencectl: " + e.message + "\n" + UsageLine(app) +
                 "Run 'presencectl " + inv.command + " --help' for usage.\n";
    return result;
  }
  if (!socket.empty()) {
    inv.socket_path = socket;
  } else if (env_socket != nullptr && *env_socket != '\0') {
    inv.socket_path = env_socket;
  } else {
    inv.socket_path = client::kDefaultSocketPath;
  }
  result.invocation = std::move(inv);
  return result;
}

}  // namespace presence::ctl
