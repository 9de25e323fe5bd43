#include "service/page_token.h"

#include <gtest/gtest.h>

#include <vector>

namespace presence::server {
namespace {

TEST(PageTokenTest, RoundTripsAnyValidId) {
  for (const std::string& id : std::vector<std::string>{
           "a", "user-42", "ünïcødé", std::string(256, 'x')}) {
    EXPECT_EQ(DecodePageToken(EncodePageToken(id)), id);
  }
}

TEST(PageTokenTest, EmptyTokenIsTheFirstPage) {
  EXPECT_EQ(DecodePageToken(""), std::string());
}

TEST(PageTokenTest, RejectsTokensItDidNotMake) {
  EXPECT_FALSE(DecodePageToken("not a token!"));
  EXPECT_FALSE(DecodePageToken("dXNlcg"));  // base64url of "user": no prefix
  EXPECT_FALSE(DecodePageToken(EncodePageToken("")));  // empty id
  std::string tampered = EncodePageToken("alice");
  tampered.back() = tampered.back() == 'A' ? 'B' : 'A';
  EXPECT_NE(DecodePageToken(tampered), std::optional<std::string>("alice"));
}

}  // namespace
}  // namespace presence::server
