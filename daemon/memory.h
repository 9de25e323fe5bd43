// Process-wide memory tuning for presenced (see memory.cc for the figures).
#pragma once

namespace grpc {
class ServerBuilder;
}

namespace presence::daemon {

// glibc malloc settings; call first thing, before any thread starts.
void TuneAllocator();

// Server knobs that bound what a connection and a stream cost.
void ConfigureServerMemory(grpc::ServerBuilder& builder);

// A stream (attached Hold or Sync) ended and its gRPC call is going away.
// Once many have ended, freed heap is handed back to the kernel.
void StreamEnded();

}  // namespace presence::daemon
