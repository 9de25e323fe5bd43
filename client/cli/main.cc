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
  return presence::ctl::Execute(*parsed.invocation, std::cout, std::cerr);
}
