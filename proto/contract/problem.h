// How the input checks of both programs say what is wrong: a Problem is
// nothing when the input is fine, else a message naming the field (or key),
// ready for an INVALID_ARGUMENT status or a config error. Never an empty
// string meaning "fine".
#pragma once

#include <optional>
#include <string>

namespace presence {

using Problem = std::optional<std::string>;

}  // namespace presence
