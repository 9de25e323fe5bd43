#include "arguments.h"

#include <memory>

#include "contract/duration.h"
#include "contract/limits.h"
#include "contract/validate.h"

namespace presence::ctl {
namespace {

void Require(const Problem& problem) {
  if (problem) throw UsageError{*problem};
}

}  // namespace

std::chrono::milliseconds DurationArgument(const std::string& option,
                                           const std::string& text) {
  auto value = ParseDuration(text);
  if (!value) {
    throw UsageError{option + ": '" + text +
                     "' is not a duration (use e.g. 150ms, 30s, 5m, 1h, "
                     "1m30s)"};
  }
  return *value;
}

Argument RoomArgument() {
  return [](CLI::App& command, Invocation& invocation) -> Check {
    command.add_option("ROOM", invocation.room_id, "Room id")->required();
    return [&invocation] { Require(CheckId("room_id", invocation.room_id)); };
  };
}

Argument UserIdsArgument(const std::string& help) {
  return [help](CLI::App& command, Invocation& invocation) -> Check {
    command.add_option("ID", invocation.ids, help)->required();
    return [&invocation] {
      Require(CheckIdList("user_ids", invocation.ids, kMaxUserIdsPerRead));
    };
  };
}

Argument TtlOption() {
  return [](CLI::App& command, Invocation& invocation) -> Check {
    auto text = std::make_shared<std::string>();
    CLI::Option* option =
        command.add_option("--ttl", *text, "Stop by itself after DURATION")
            ->type_name("DURATION");
    return [&invocation, text, option] {
      if (option->count() > 0) {
        invocation.ttl = DurationArgument("--ttl", *text);
      }
    };
  };
}

Argument HoldOption() {
  return [](CLI::App& command, Invocation& invocation) -> Check {
    CLI::Option* option =
        command.add_option("--hold", invocation.hold_id, "Only this hold")
            ->type_name("ID");
    return [&invocation, option] {
      if (option->count() > 0) Require(CheckId("--hold", invocation.hold_id));
    };
  };
}

Argument PageSizeOption(const std::string& items) {
  return [items](CLI::App& command, Invocation& invocation) -> Check {
    command.add_option("--page-size", invocation.page_size,
                       items + " per request (1-100, default 20)");
    return [&invocation] {
      Require(CheckPageSize("--page-size", invocation.page_size));
    };
  };
}

Argument ViewOption() {
  return [](CLI::App& command, Invocation& invocation) -> Check {
    command.add_option("--view", invocation.view_id,
                       "View id (default \"global\")");
    return [&invocation] {
      if (!invocation.view_id.empty()) {
        Require(CheckId("view_id", invocation.view_id));
      }
    };
  };
}

Argument ChildCommand() {
  return [](CLI::App& command, Invocation& invocation) -> Check {
    command
        .add_option("COMMAND", invocation.child, "Command and its arguments")
        ->required();
    command.positionals_at_end();
    return [&invocation] {
      // CLI11 keeps the "--" that ends presencectl's own options.
      auto& child = invocation.child;
      if (!child.empty() && child.front() == "--") {
        child.erase(child.begin());
        if (child.empty()) throw UsageError{"COMMAND is required"};
      }
    };
  };
}

Argument RoomAndChildCommand() {
  return [](CLI::App& command, Invocation& invocation) -> Check {
    const Check room = RoomArgument()(command, invocation);
    const Check child = ChildCommand()(command, invocation);
    return [room, child] {
      child();
      room();
    };
  };
}

}  // namespace presence::ctl
