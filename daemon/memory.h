// Process-wide memory tuning for presenced (see memory.cc for the figures).
#pragma once

namespace presence::daemon {

// glibc malloc settings; call first thing, before any thread starts.
void TuneAllocator();

// A stream (Hold, HoldMany or Sync) ended, or a hold was released: once
// about 8 MB were freed, the heap is handed back to the kernel.
void StreamEnded();
void HoldReleased();

}  // namespace presence::daemon
