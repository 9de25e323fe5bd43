// presencectl output: one function per result type, human text and JSON.
// JSON keys are the proto field names (snake_case); times are Unix ms.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "presence/v1/control.pb.h"

namespace presence::ctl {

namespace v1 = ::presence::v1;

std::int64_t NowMs();

// "2024-05-01 12:00:03 (3s ago)", "never" for 0. Local time.
std::string FormatTime(std::int64_t ms, std::int64_t now_ms);
std::string TargetName(const v1::Target& target);  // "user", "room lobby"
std::string KindName(v1::TargetKind kind);         // "user", "room"
std::string EventName(v1::HoldEventType type);     // "held", ...

nlohmann::json ToJson(const v1::UserPresence& presence);
nlohmann::json ToJson(const v1::RoomViewer& viewer);
nlohmann::json ToJson(const v1::Target& target);
nlohmann::json ToJson(const v1::Interval& interval);
nlohmann::json ToJson(const v1::Holder& holder);
nlohmann::json ToJson(const v1::TargetStatus& target);
nlohmann::json ToJson(const v1::Status& status);
nlohmann::json ToJson(const v1::HoldEvent& event);

// Human text, each ending in a newline.
std::string HumanStatus(const v1::Status& status, std::int64_t now_ms);
std::string HumanPresences(const std::vector<v1::UserPresence>& presences,
                           std::int64_t now_ms);
std::string HumanViewers(const std::vector<v1::RoomViewer>& viewers,
                         std::int64_t now_ms);
std::string HumanPresenceUpdate(const v1::UserPresence& presence,
                                std::int64_t now_ms);
std::string HumanHoldEvent(const v1::HoldEvent& event);

// Left-aligned columns separated by two spaces; no trailing blanks.
std::string Table(const std::vector<std::vector<std::string>>& rows);

}  // namespace presence::ctl
