// presencectl's --help texts and usage lines, around what CLI11 prints.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace presence::ctl {

// presencectl's own --help: what it is, then its footer.
extern const char kAbout[];
std::string TopFooter();
// What a command's --help ends with: the body, then the exit status (with
// exit_status_intro before presencectl's own codes).
std::string Footer(const std::string& body,
                   const std::string& exit_status_intro = "");
// A group's footer: the COMMANDS it gathers, each verb's synopsis.
std::string GroupFooter(const std::string& group);
// "Usage: presencectl room start [OPTIONS] ROOM\n" of the deepest command
// on the parsed command line.
std::string UsageLine(const CLI::App& app);

}  // namespace presence::ctl
