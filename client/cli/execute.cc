// Running what Parse chose: the verb's own action.
#include "cli.h"
#include "verb.h"

namespace presence::ctl {

client::Client ClientFor(const Invocation& invocation,
                         std::string client_name) {
  return client::Client(
      {invocation.socket_path, invocation.timeout, std::move(client_name)});
}

int Execute(const Invocation& invocation, std::ostream& out,
            std::ostream& err) {
  Output output(invocation, out, err);
  return invocation.verb->run(invocation, output);
}

}  // namespace presence::ctl
