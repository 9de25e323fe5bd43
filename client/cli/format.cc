#include "format.h"

#include <chrono>
#include <ctime>

#include "contract/duration.h"
#include "contract/session_state_name.h"

namespace presence::ctl {
namespace {

using nlohmann::json;

// "3s", "4m12s": rounded to whole seconds from one second on.
std::string Span(std::int64_t ms) {
  if (ms >= 1000) ms = ms / 1000 * 1000;
  return FormatDuration(std::chrono::milliseconds(ms));
}

std::string Pad(const std::string& text, std::size_t width) {
  return text.size() >= width ? text
                              : text + std::string(width - text.size(), ' ');
}

std::string IntervalText(const v1::Interval& interval) {
  if (interval.value_ms() == 0 && interval.source().empty()) return "unknown";
  std::string text =
      FormatDuration(std::chrono::milliseconds(interval.value_ms()));
  if (!interval.source().empty()) text += " (" + interval.source() + ")";
  return text;
}

}  // namespace

std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string FormatTime(std::int64_t ms, std::int64_t now_ms) {
  if (ms == 0) return "never";
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  localtime_r(&seconds, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M:%S", &tm);
  std::string text = buffer;
  const std::int64_t delta = now_ms - ms;
  if (delta >= 0) {
    text += delta < 1000 ? " (just now)" : " (" + Span(delta) + " ago)";
  } else {
    text += " (in " + Span(-delta) + ")";
  }
  return text;
}

std::string KindName(v1::TargetKind kind) {
  switch (kind) {
    case v1::TARGET_KIND_USER:
      return "user";
    case v1::TARGET_KIND_ROOM:
      return "room";
    default:
      return "unknown";
  }
}

std::string TargetName(const v1::Target& target) {
  if (target.kind() == v1::TARGET_KIND_ROOM) return "room " + target.room_id();
  return KindName(target.kind());
}

std::string EventName(v1::HoldEventType type) {
  switch (type) {
    case v1::HOLD_EVENT_HELD:
      return "held";
    case v1::HOLD_EVENT_HEARTBEAT_ACKNOWLEDGED:
      return "heartbeat-acknowledged";
    case v1::HOLD_EVENT_DEGRADED:
      return "degraded";
    case v1::HOLD_EVENT_RECOVERED:
      return "recovered";
    case v1::HOLD_EVENT_PRESENCE_DISABLED:
      return "presence-disabled";
    case v1::HOLD_EVENT_INTERVAL_CHANGED:
      return "interval-changed";
    case v1::HOLD_EVENT_ENDED_BY_LOGOUT:
      return "ended-by-logout";
    default:
      return "unknown";
  }
}

json ToJson(const v1::UserPresence& p) {
  return {{"user_id", p.user_id()},
          {"last_heartbeat_ms", p.last_heartbeat_ms()},
          {"online", p.online()}};
}

json ToJson(const v1::RoomViewer& v) {
  return {{"user_id", v.user_id()},
          {"joined_at_ms", v.joined_at_ms()},
          {"last_heartbeat_ms", v.last_heartbeat_ms()}};
}

json ToJson(const v1::Target& t) {
  json j = {{"kind", KindName(t.kind())}};
  if (t.kind() == v1::TARGET_KIND_ROOM) j["room_id"] = t.room_id();
  return j;
}

json ToJson(const v1::Interval& i) {
  return {{"value_ms", i.value_ms()}, {"source", i.source()}};
}

json ToJson(const v1::Holder& h) {
  return {{"hold_id", h.hold_id()},
          {"uid", h.uid()},
          {"pid", h.pid()},
          {"client_name", h.client_name()},
          {"attached", h.attached()},
          {"since_ms", h.since_ms()},
          {"expires_at_ms", h.expires_at_ms()}};
}

json ToJson(const v1::TargetStatus& t) {
  json holders = json::array();
  for (const auto& h : t.holders()) holders.push_back(ToJson(h));
  return {{"target", ToJson(t.target())},
          {"holders", holders},
          {"last_sent_ms", t.last_sent_ms()},
          {"last_acknowledged_ms", t.last_acknowledged_ms()},
          {"next_due_ms", t.next_due_ms()}};
}

json ToJson(const v1::Status& s) {
  json targets = json::array();
  for (const auto& t : s.targets()) targets.push_back(ToJson(t));
  json leaving = json::array();
  for (const auto& t : s.leaving()) leaving.push_back(ToJson(t));
  return {{"state", SessionStateName(s.state())},
          {"upstream", s.upstream()},
          {"user_id", s.user_id()},
          {"device_id", s.device_id()},
          {"user_heartbeat_interval", ToJson(s.user_heartbeat_interval())},
          {"room_heartbeat_interval", ToJson(s.room_heartbeat_interval())},
          {"online_threshold", ToJson(s.online_threshold())},
          {"room_timeout", ToJson(s.room_timeout())},
          {"sync_interval", ToJson(s.sync_interval())},
          {"targets", targets},
          {"leaving", leaving},
          {"last_error", s.last_error()},
          {"last_error_ms", s.last_error_ms()},
          {"started_at_ms", s.started_at_ms()},
          {"sync_watchers", s.sync_watchers()},
          {"synced_users", s.synced_users()},
          {"version", s.version()},
          {"heartbeat_calls", s.heartbeat_calls()},
          {"engine_wakeups", s.engine_wakeups()}};
}

json ToJson(const v1::HoldEvent& e) {
  json j = {{"type", EventName(e.type())}, {"at_ms", e.at_ms()}};
  if (!e.hold_id().empty()) j["hold_id"] = e.hold_id();
  if (!e.message().empty()) j["message"] = e.message();
  if (e.interval_ms() != 0) j["interval_ms"] = e.interval_ms();
  return j;
}

std::string Table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> widths;
  for (const auto& row : rows) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (std::size_t c = 0; c < row.size(); ++c) {
      widths[c] = std::max(widths[c], row[c].size());
    }
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) {
      line += c + 1 == row.size() ? row[c] : Pad(row[c], widths[c]) + "  ";
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

std::string HumanStatus(const v1::Status& s, std::int64_t now_ms) {
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"State:", SessionStateName(s.state())});
  rows.push_back({"Upstream:", s.upstream().empty() ? "-" : s.upstream()});
  std::string user = s.user_id().empty() ? "-" : s.user_id();
  if (!s.device_id().empty()) user += " (device " + s.device_id() + ")";
  rows.push_back({"User:", user});
  std::string daemon =
      s.version().empty() ? "presenced" : "presenced " + s.version();
  if (s.started_at_ms() != 0) {
    daemon += ", started " + FormatTime(s.started_at_ms(), now_ms);
  }
  rows.push_back({"Daemon:", daemon});
  rows.push_back({"Intervals:", "user heartbeat    " +
                                    IntervalText(s.user_heartbeat_interval())});
  rows.push_back(
      {"", "room heartbeat    " + IntervalText(s.room_heartbeat_interval())});
  rows.push_back(
      {"", "online threshold  " + IntervalText(s.online_threshold())});
  rows.push_back({"", "room timeout      " + IntervalText(s.room_timeout())});
  rows.push_back({"", "sync              " + IntervalText(s.sync_interval())});
  rows.push_back({"Sync:", std::to_string(s.sync_watchers()) + " watchers, " +
                               std::to_string(s.synced_users()) + " users"});
  rows.push_back({"Heartbeats:",
                  std::to_string(s.heartbeat_calls()) + " upstream calls, " +
                      std::to_string(s.engine_wakeups()) + " wakeups"});
  rows.push_back(
      {"Last error:", s.last_error().empty()
                          ? "none"
                          : s.last_error() + " (" +
                                FormatTime(s.last_error_ms(), now_ms) + ")"});
  if (!s.leaving().empty()) {
    std::string leaving;
    for (const auto& t : s.leaving()) {
      leaving += (leaving.empty() ? "" : ", ") + TargetName(t);
    }
    rows.push_back({"Leaving:", leaving + " (the server has not taken the "
                                          "leave yet; retrying)"});
  }
  rows.push_back({"Targets:", s.targets().empty()
                                  ? "none"
                                  : std::to_string(s.targets_size())});
  std::string out = Table(rows);
  for (const auto& t : s.targets()) {
    out += "  " + TargetName(t.target()) + "\n";
    out += "    last sent " + FormatTime(t.last_sent_ms(), now_ms) +
           ", acknowledged " + FormatTime(t.last_acknowledged_ms(), now_ms) +
           "\n";
    if (t.next_due_ms() != 0) {
      out += "    next due " + FormatTime(t.next_due_ms(), now_ms) + "\n";
    }
    std::vector<std::vector<std::string>> holders;
    for (const auto& h : t.holders()) {
      std::string expiry =
          h.expires_at_ms() == 0
              ? "no ttl"
              : "expires " + FormatTime(h.expires_at_ms(), now_ms);
      holders.push_back(
          {"    " + h.hold_id(), h.attached() ? "attached" : "detached",
           "uid " + std::to_string(h.uid()), "pid " + std::to_string(h.pid()),
           h.client_name().empty() ? "-" : h.client_name(),
           "since " + FormatTime(h.since_ms(), now_ms), expiry});
    }
    out += Table(holders);
  }
  return out;
}

std::string HumanPresences(const std::vector<v1::UserPresence>& presences,
                           std::int64_t now_ms) {
  std::vector<std::vector<std::string>> rows = {
      {"USER", "ONLINE", "LAST HEARTBEAT"}};
  for (const auto& p : presences) {
    rows.push_back({p.user_id(), p.online() ? "yes" : "no",
                    FormatTime(p.last_heartbeat_ms(), now_ms)});
  }
  return Table(rows);
}

std::string HumanViewers(const std::vector<v1::RoomViewer>& viewers,
                         std::int64_t now_ms) {
  std::vector<std::vector<std::string>> rows = {
      {"USER", "JOINED", "LAST HEARTBEAT"}};
  for (const auto& v : viewers) {
    rows.push_back({v.user_id(), FormatTime(v.joined_at_ms(), now_ms),
                    FormatTime(v.last_heartbeat_ms(), now_ms)});
  }
  return Table(rows);
}

std::string HumanPresenceUpdate(const v1::UserPresence& p,
                                std::int64_t now_ms) {
  return p.user_id() + " " + (p.online() ? "online" : "offline") +
         " (last heartbeat " + FormatTime(p.last_heartbeat_ms(), now_ms) +
         ")\n";
}

std::string HumanHoldEvent(const v1::HoldEvent& e) {
  std::string out = EventName(e.type());
  if (!e.hold_id().empty()) out += " " + e.hold_id();
  if (e.interval_ms() != 0) {
    out += " interval " +
           FormatDuration(std::chrono::milliseconds(e.interval_ms()));
  }
  if (!e.message().empty()) out += ": " + e.message();
  return out + "\n";
}

}  // namespace presence::ctl
