#include "contract/validate.h"

#include <gtest/gtest.h>

#include "contract/limits.h"

namespace presence {
namespace {

TEST(CheckId, AcceptsOrdinaryAndUnicodeIds) {
  EXPECT_EQ(CheckId("room_id", "room-42"), std::nullopt);
  EXPECT_EQ(CheckId("room_id", "caf\xC3\xA9 \xF0\x9F\x8E\xA5"), std::nullopt);
  EXPECT_EQ(CheckId("room_id", std::string(kMaxIdBytes, 'a')), std::nullopt);
}

TEST(CheckId, RejectsEmptyNamingTheField) {
  EXPECT_EQ(CheckId("room_id", ""), "room_id must not be empty");
}

TEST(CheckId, RejectsTooLong) {
  const std::string error =
      CheckId("user_id", std::string(257, 'a')).value_or("");
  EXPECT_NE(error.find("user_id is 257 bytes"), std::string::npos) << error;
}

TEST(CheckId, RejectsInvalidUtf8) {
  for (const char* bad :
       {"\xFF", "a\xC3", "\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80"}) {
    const std::string error = CheckId("room_id", bad).value_or("");
    EXPECT_NE(error.find("room_id is not valid UTF-8"), std::string::npos)
        << error;
  }
}

TEST(CheckId, RejectsControlCharacters) {
  for (const std::string& bad :
       {std::string("a\nb"), std::string("a\0b", 3), std::string("\x7F"),
        std::string("\xC2\x85")}) {
    const std::string error = CheckId("room_id", bad).value_or("");
    EXPECT_NE(error.find("control character"), std::string::npos) << error;
  }
}

TEST(CheckIdList, NamesTheIndexAndTheCount) {
  EXPECT_EQ(CheckIdList("user_ids", {"a", "b"}, 2), std::nullopt);
  EXPECT_EQ(CheckIdList("user_ids", {"a", ""}, 2),
            "user_ids[1] must not be empty");
  const std::string error =
      CheckIdList("user_ids", {"a", "b", "c"}, 2).value_or("");
  EXPECT_NE(error.find("user_ids has 3 entries; at most 2"), std::string::npos)
      << error;
}

TEST(CheckPageSize, Bounds) {
  EXPECT_EQ(CheckPageSize("page_size", 0), std::nullopt);
  EXPECT_EQ(CheckPageSize("page_size", kMaxPageSize), std::nullopt);
  EXPECT_NE(CheckPageSize("page_size", kMaxPageSize + 1), std::nullopt);
  EXPECT_NE(CheckPageSize("page_size", -1), std::nullopt);
}

}  // namespace
}  // namespace presence
