// Input rules for ids that cross a socket. Each check returns nothing when
// the value is fine, else the Problem: a message naming the field, ready to
// go into an INVALID_ARGUMENT status.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "contract/problem.h"

namespace presence {

// Valid UTF-8: no malformed, overlong or surrogate sequences.
Problem CheckUtf8(std::string_view field, std::string_view value);

// Non-empty, at most kMaxIdBytes, valid UTF-8, no control characters.
Problem CheckId(std::string_view field, std::string_view value);

// Every element passes CheckId (field is reported as "field[i]") and there
// are at most max_count of them.
Problem CheckIdList(std::string_view field,
                    const std::vector<std::string>& values,
                    std::size_t max_count);

// 1 <= page_size <= kMaxPageSize, or 0 meaning the default.
Problem CheckPageSize(std::string_view field, int page_size);

}  // namespace presence
