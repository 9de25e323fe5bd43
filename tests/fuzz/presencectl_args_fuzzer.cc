// presencectl's command line as scripts and people type it: NUL-separated
// arguments. Parsing answers with work to do, help, or a usage error (exit
// 2 with a message), never a crash and nothing else.
#include <cstdint>
#include <string>
#include <vector>

#include "cli.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<std::string> args = {"presencectl"};
  std::string current;
  for (size_t i = 0; i < size; ++i) {
    if (data[i] == '\0') {
      args.push_back(current);
      current.clear();
    } else {
      current += static_cast<char>(data[i]);
    }
  }
  if (!current.empty()) args.push_back(current);
  const presence::ctl::ParseResult result =
      presence::ctl::Parse(args, nullptr);
  const bool work = result.invocation.has_value();
  const bool help = result.exit_code == presence::ctl::kExitOk &&
                    !result.out.empty();
  const bool usage = result.exit_code == presence::ctl::kExitUsage &&
                     !result.err.empty();
  if (work + help + usage != 1) __builtin_trap();
  return 0;
}
