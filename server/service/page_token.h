// Opaque page tokens for keyset paging: the token names the last user id of
// the previous page, so pages never repeat or skip a user that stays.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace presence::server {

std::string EncodePageToken(std::string_view last_user_id);

// The last user id, or nothing when the token was not made by
// EncodePageToken. The empty token means "first page" and decodes to "".
std::optional<std::string> DecodePageToken(std::string_view token);

}  // namespace presence::server
