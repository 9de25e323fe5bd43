// presencectl: the command-line client of presenced.
#include <cstdlib>
#include <iostream>

#include "cli.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  auto parsed = presence::ctl::Parse(args, std::getenv("PRESENCED_SOCKET"));
  if (!parsed.invocation) {
    std::cout << parsed.out;
    std::cerr << parsed.err;
    return parsed.exit_code;
  }
  const int code =
      presence::ctl::Execute(*parsed.invocation, std::cout, std::cerr);
  // Leaves without destructors, so without gRPC's teardown (see ClientFor
  // in verb.h); only what is buffered needs writing.
  std::cout.flush();
  std::_Exit(code);
}
