// presence-example ROOM [SECONDS]: be a viewer of ROOM for SECONDS (default
// 10) while printing what happens to the hold, then leave.
#include <presence/client/client.h>

#include <chrono>
#include <iostream>
#include <string>
#include <thread>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: presence-example ROOM [SECONDS]\n";
    return 2;
  }
  const std::string room = argv[1];
  const int seconds = argc > 2 ? std::stoi(argv[2]) : 10;

  presence::client::Client client(
      {/*socket_path=*/"", std::chrono::seconds(2), "presence-example"});
  presence::client::HoldOptions options;
  options.on_event = [](const presence::v1::HoldEvent& event) {
    std::cout << "event " << presence::v1::HoldEventType_Name(event.type())
              << " " << event.message() << std::endl;
  };
  options.on_detached = [](const presence::client::Error& error) {
    std::cout << "daemon gone (" << error.message << "), re-attaching"
              << std::endl;
  };
  options.on_gap = [](const presence::client::Gap& gap) {
    std::cout << "re-attached after " << gap.duration().count() << " ms"
              << std::endl;
  };

  auto hold = client.HoldRoom(room, options);
  if (!hold) {
    const presence::client::Error& error = hold.error();
    std::cerr << "presence-example: " << error.CodeName() << ": "
              << error.message << "\n";
    if (error.code == grpc::StatusCode::FAILED_PRECONDITION) {
      // Presence is disabled: a configuration matter, not worth retrying.
      std::cerr << "presence-example: ask the admin to enable presence\n";
    }
    return error.unreachable ? 3 : 1;
  }
  std::cout << "holding room " << room << " as " << hold->id() << std::endl;

  if (auto count = client.GetRoomViewerCount(room)) {
    std::cout << "viewers: " << count->count() << std::endl;
  }
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  return 0;  // ~Hold releases the room
}
