// One key down the chain of shapes of planned_key.h, and back for `show`.
#include "plan/planned_key.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/errors.h"
#include "plan/key_line_parser.h"
#include "plan/verified_copy.h"

namespace scope_migrate {
namespace {

using Strings = std::vector<std::string>;

KeyRecord Key() {
  KeyRecord key;
  key.id = "42";
  key.tenant = "acme";
  key.roles = {"Admin", "Admin", "auditor"};  // raw and sorted, as a source reads them
  key.scopes = {"a-read", "old-write"};
  return key;
}

Decision ChangeDecision() {
  Decision d;
  d.status = Status::kChange;
  d.current = {"a-read", "old-write"};
  d.add = {"b-read", "b-write"};
  d.extra = {"old-write"};
  d.remove = {"old-write"};
  d.target = {"a-read", "b-read", "b-write"};
  return d;
}

TEST(PlannedKeyTest, KeyLineHasTheWrittenFieldsInOrder) {
  std::string line;
  AppendKeyLine(line, PlannedKey{Key(), ChangeDecision()});
  EXPECT_EQ(line,
            "{\"type\":\"key\",\"id\":\"42\",\"tenant\":\"acme\",\"status\":\"change\","
            "\"roles\":[\"Admin\",\"Admin\",\"auditor\"],\"current\":[\"a-read\",\"old-write\"],"
            "\"add\":[\"b-read\",\"b-write\"],\"extra\":[\"old-write\"]}");
}

TEST(PlannedKeyTest, OneKeyThroughEveryShapeArrivesAsItsChange) {
  std::string text;
  AppendKeyLine(text, PlannedKey{Key(), ChangeDecision()});
  const PlanKeyLine parsed = ParseKeyLine("plan.jsonl", 2, text, /*prune=*/true);
  EXPECT_EQ(parsed.target, (Strings{"a-read", "b-read", "b-write"}));
  EXPECT_EQ(parsed.remove, Strings{"old-write"});

  VerifiedCopy copy("plan.jsonl");
  copy.Append(parsed);
  copy.Finish();
  copy.Rewind();
  PlanKeyLine read;
  ASSERT_TRUE(copy.Read(read, /*prune=*/true));
  EXPECT_EQ(read.line, 2);
  EXPECT_EQ(read.tenant, std::optional<std::string>("acme"));
  EXPECT_EQ(read.name, std::nullopt);
  EXPECT_EQ(read.target, parsed.target);
  PlanKeyLine end;
  EXPECT_FALSE(copy.Read(end, true));

  const KeyChange change = KeyChangeOf(std::move(read));
  EXPECT_EQ(change.id, "42");
  EXPECT_EQ(change.line, 2);
  EXPECT_EQ(change.add, (Strings{"b-read", "b-write"}));
  EXPECT_EQ(change.remove, Strings{"old-write"});
  EXPECT_EQ(change.planned_roles, (Strings{"Admin", "Admin", "auditor"}));
  EXPECT_EQ(change.planned_scopes, (Strings{"a-read", "old-write"}));
}

TEST(PlannedKeyTest, WithoutPruneAChangeRemovesNothing) {
  PlanKeyLine line;
  line.status = Status::kChange;
  line.current = {"a-read", "old-write"};
  line.add = {"b-read"};
  line.extra = {"old-write"};
  DeriveLists(line, /*prune=*/false);
  EXPECT_EQ(line.target, (Strings{"a-read", "b-read"}));
  EXPECT_TRUE(line.remove.empty());
}

TEST(PlannedKeyTest, ShowGetsTheStatusTheLineCarries) {
  PlanKeyLine line;
  line.id = "7";
  line.status = Status::kSkipped;
  line.reason = "revoked";
  line.roles = {"admin"};
  line.current = {"a-read"};
  const RecordedKey recorded = RecordedKeyOf(line);
  EXPECT_EQ(recorded.decision.status, Status::kSkipped);
  EXPECT_EQ(recorded.decision.reason, "revoked");
  EXPECT_TRUE(recorded.key.revoked);
  EXPECT_EQ(recorded.key.roles, Strings{"admin"});
  EXPECT_EQ(recorded.key.scopes, Strings{"a-read"});

  line.status = Status::kBlocked;  // a reason is never read as a status
  EXPECT_EQ(RecordedKeyOf(line).decision.status, Status::kBlocked);
  EXPECT_FALSE(RecordedKeyOf(line).key.revoked);
}

TEST(PlannedKeyTest, StatusNamesParseBackAndNothingElseDoes) {
  for (Status s : {Status::kChange, Status::kUnchanged, Status::kDrift, Status::kBlocked,
                   Status::kSkipped, Status::kExcluded}) {
    EXPECT_EQ(ParseStatus(StatusName(s)), s) << StatusName(s);
  }
  EXPECT_EQ(ParseStatus("Change"), std::nullopt);
  EXPECT_EQ(ParseStatus(""), std::nullopt);
}

TEST(PlannedKeyTest, AKeyLineCannotSayExcluded) {
  try {
    ParseKeyLine("plan.jsonl", 3, R"({"type":"key","id":"1","status":"excluded"})", false);
    FAIL() << "no error";
  } catch (const ToolError& e) {
    EXPECT_EQ(e.exit_code(), 65);
    EXPECT_STREQ(e.what(), "plan.jsonl:3:1: unknown status \"excluded\"");
  }
}

}  // namespace
}  // namespace scope_migrate
