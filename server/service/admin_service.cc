#include "service/admin_service.h"

#include <spdlog/spdlog.h>

#include "contract/duration.h"
#include "contract/request_parser.h"
#include "service/convert.h"
#include "service/store_errors.h"
#include "service/stream_reactor.h"
#include "store/settings_rules.h"

namespace presence::server {
namespace {

constexpr std::int64_t kMaxIntervalMs = 24 * 3600 * 1000;

// Reads one optional interval; an out-of-range value names its field.
grpc::Status ReadInterval(const char* field, bool present, std::int64_t ms,
                          std::optional<Millis>* out) {
  if (!present) return grpc::Status::OK;
  if (ms < 1 || ms > kMaxIntervalMs) {
    return {grpc::StatusCode::INVALID_ARGUMENT,
            std::string(field) + " must be between 1 and " +
                std::to_string(kMaxIntervalMs) + ", got " + std::to_string(ms)};
  }
  *out = Millis(ms);
  return grpc::Status::OK;
}

grpc::Status ReadUpdate(const v1::UpdateNetworkSettingsRequest& request,
                        NetworkSettingsUpdate* update) {
  if (request.has_presence_enabled()) {
    update->presence_enabled = request.presence_enabled();
  }
  for (auto status :
       {ReadInterval("user_heartbeat_interval_ms",
                     request.has_user_heartbeat_interval_ms(),
                     request.user_heartbeat_interval_ms(),
                     &update->user_heartbeat_interval),
        ReadInterval("room_heartbeat_interval_ms",
                     request.has_room_heartbeat_interval_ms(),
                     request.room_heartbeat_interval_ms(),
                     &update->room_heartbeat_interval),
        ReadInterval("online_threshold_ms", request.has_online_threshold_ms(),
                     request.online_threshold_ms(), &update->online_threshold),
        ReadInterval("sync_interval_ms", request.has_sync_interval_ms(),
                     request.sync_interval_ms(), &update->sync_interval),
        ReadInterval("room_timeout_ms", request.has_room_timeout_ms(),
                     request.room_timeout_ms(), &update->room_timeout)}) {
    if (!status.ok()) return status;
  }
  return grpc::Status::OK;
}

// A refused update, naming the request's fields.
grpc::Status Refused(const SettingsConflict& conflict) {
  return {grpc::StatusCode::INVALID_ARGUMENT,
          Explain(conflict, [](Setting setting) {
            return std::string(SettingName(setting)) + "_ms";
          })};
}

}  // namespace

std::string Describe(const NetworkSettings& settings) {
  return std::string(settings.presence_enabled ? "presence enabled"
                                               : "presence disabled") +
         ", user heartbeat " +
         FormatDuration(settings.user_heartbeat_interval) +
         ", room heartbeat " +
         FormatDuration(settings.room_heartbeat_interval) +
         ", online threshold " + FormatDuration(settings.online_threshold) +
         ", room timeout " + FormatDuration(settings.room_timeout) + ", sync " +
         FormatDuration(settings.sync_interval);
}

AdminServiceImpl::AdminServiceImpl(PresenceStore& store, Auth& auth,
                                   Clock clock)
    : store_(store), auth_(auth), clock_(std::move(clock)) {}

grpc::ServerUnaryReactor* AdminServiceImpl::GetNetworkSettings(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* in,
    grpc::ByteBuffer* out) {
  return FinishNow(
      context, ServeParsed<v1::GetNetworkSettingsRequest, v1::NetworkSettings>(
                   *in, out, [&](const auto&, auto* response) {
                     grpc::Status status = auth_.AuthorizeAdmin(*context);
                     if (!status.ok()) return status;
                     return GuardStore([&] {
                       ToProto(store_.GetNetworkSettings(clock_()), response);
                       return grpc::Status::OK;
                     });
                   }));
}

grpc::ServerUnaryReactor* AdminServiceImpl::UpdateNetworkSettings(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* in,
    grpc::ByteBuffer* out) {
  return FinishNow(
      context,
      ServeParsed<v1::UpdateNetworkSettingsRequest, v1::NetworkSettings>(
          *in, out, [&](const auto& request, auto* response) {
            NetworkSettingsUpdate update;
            grpc::Status status = auth_.AuthorizeAdmin(*context);
            if (status.ok()) status = ReadUpdate(request, &update);
            if (!status.ok()) return status;
            return GuardStore([&] {
              const SettingsUpdateResult result =
                  store_.UpdateNetworkSettings(update, clock_());
              if (result.refused) return Refused(*result.refused);
              spdlog::info("network settings changed by admin: {}",
                           Describe(result.settings));
              ToProto(result.settings, response);
              return grpc::Status::OK;
            });
          }));
}

}  // namespace presence::server
