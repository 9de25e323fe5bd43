#include "output.h"

#include "format.h"

namespace presence::ctl {

Output::Output(const Invocation& invocation, std::ostream& out,
               std::ostream& err)
    : json_(invocation.json), out_(out), err_(err), now_ms_(NowMs()) {}

void Output::Json(const nlohmann::json& json) {
  out_ << json.dump() << "\n" << std::flush;
}

int Output::Fail(const client::Error& error) {
  err_ << ErrorLine(error) << "\n";
  return ExitCodeFor(error);
}

int ExitCodeFor(const client::Error& error) {
  return error.unreachable ? kExitUnreachable : kExitRefused;
}

std::string ErrorLine(const client::Error& error) {
  if (error.unreachable) {
    return "presencectl: " + error.message +
           ". Is the daemon running (systemctl status presenced) and may you "
           "access the socket (group presence)?";
  }
  return "presencectl: " + error.message;
}

}  // namespace presence::ctl
