// Where a verb's action writes: its result on stdout (as JSON with --json,
// else as text for people), or its failure as one line on stderr.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <ostream>

#include "cli.h"

namespace presence::ctl {

class Output {
 public:
  Output(const Invocation& invocation, std::ostream& out, std::ostream& err);

  // A call's result through to_json or to_text, or its failure.
  template <class T, class ToJson, class ToText>
  int Print(const client::Result<T>& result, ToJson to_json, ToText to_text) {
    if (!result) return Fail(result.error());
    if (json_) {
      Json(to_json(*result));
    } else {
      out_ << to_text(*result);
    }
    return kExitOk;
  }
  // One JSON object on a line of its own, flushed (streams print many).
  void Json(const nlohmann::json& json);
  // Prints why the call failed; returns the exit code for it.
  int Fail(const client::Error& error);

  bool json() const { return json_; }
  std::ostream& out() { return out_; }
  std::ostream& err() { return err_; }
  // When the command started: what "3s ago" counts from.
  std::int64_t now_ms() const { return now_ms_; }

 private:
  const bool json_;
  std::ostream& out_;
  std::ostream& err_;
  const std::int64_t now_ms_;
};

}  // namespace presence::ctl
