// Between the pure core's values and gRPC's: how a call ended for the core,
// what a core refusal answers, the server's settings for the core, and the
// status a person reads and the events an attached hold receives.
#pragma once

#include <grpcpp/support/status.h>

#include "core/presence_core.h"
#include "presence/v1/control.pb.h"
#include "wall_clock.h"

namespace presence::daemon {

namespace pb = ::presence::v1;

CallResult Classify(const grpc::Status& status);
grpc::Status ToStatus(const Outcome& outcome);
NetworkView ToNetworkView(const pb::NetworkSettings& network);

pb::SessionState ToProto(SessionState state);
pb::Target ToProto(const Target& target);
pb::HoldEvent ToHoldEvent(const Notice& notice);

// What the core knows for GetStatus: state, intervals and timeouts with
// their source, every held target with its holders and timing, the leaves
// not yet taken, the last error. The engine adds the rest.
pb::Status DescribeCore(const PresenceCore& core, const WallClock& clock);

}  // namespace presence::daemon
