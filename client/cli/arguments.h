// The arguments of presencectl's verbs. Each adds its positional or option
// to a verb's subcommand and returns the check CLI11 cannot make; checks
// run once the whole command line is parsed, in the order the verb lists
// its arguments, and throw UsageError.
#pragma once

#include <CLI/CLI.hpp>
#include <chrono>
#include <functional>
#include <string>

#include "cli.h"

namespace presence::ctl {

struct UsageError {
  std::string message;
};

using Check = std::function<void()>;
using Argument =
    std::function<Check(CLI::App& command, Invocation& invocation)>;

// "150ms", "1m30s", ... for `option`, else a UsageError.
std::chrono::milliseconds DurationArgument(const std::string& option,
                                           const std::string& text);

// ROOM: invocation.room_id.
Argument RoomArgument();
// ID...: invocation.ids, at most a read's worth.
Argument UserIdsArgument(const std::string& help);
// --ttl DURATION: invocation.ttl.
Argument TtlOption();
// --hold ID: invocation.hold_id.
Argument HoldOption();
// --page-size N: invocation.page_size; `items` says what a page holds.
Argument PageSizeOption(const std::string& items);
// --view ID: invocation.view_id.
Argument ViewOption();
// [--] COMMAND [ARGS...], all after it verbatim: invocation.child.
Argument ChildCommand();
// ROOM -- COMMAND [ARGS...]; a line without COMMAND is told so first,
// whatever its ROOM.
Argument RoomAndChildCommand();

}  // namespace presence::ctl
