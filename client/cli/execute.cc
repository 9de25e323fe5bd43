// Running what Parse chose: the verb's own action.
#include "cli.h"
#include "verb.h"

namespace presence::ctl {

client::Client& ClientFor(const Invocation& invocation,
                          const std::string& client_name) {
  static client::Client* const client = new client::Client(
      {invocation.socket_path, invocation.timeout, client_name});
  return *client;
}

int Execute(const Invocation& invocation, std::ostream& out,
            std::ostream& err) {
  Output output(invocation, out, err);
  return invocation.verb->run(invocation, output);
}

}  // namespace presence::ctl
