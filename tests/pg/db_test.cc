// The pure helpers of db.h (no server): RedactConninfo keeps every password out of what
// the tool prints (keyword form and URI form).
#include "pg/db.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace scope_migrate {
namespace {

struct Redaction {
  std::string conninfo;
  std::string expected;
};

void ExpectRedactions(const std::vector<Redaction>& cases) {
  for (const Redaction& c : cases) EXPECT_EQ(RedactConninfo(c.conninfo), c.expected) << c.conninfo;
}

TEST(RedactConninfoTest, KeywordFormHidesEveryPassword) {
  ExpectRedactions({
      {"host=db port=5432 dbname=billing", "host=db port=5432 dbname=billing"},
      {"host=db password=secret dbname=billing", "host=db password=*** dbname=billing"},
      {"password=secret", "password=***"},
      {"password = secret host=db", "password = *** host=db"},
      {"host=db password=", "host=db password=***"},
      {"host=db password=a user=u password=b", "host=db password=*** user=u password=***"},
      // The word alone (a value, not the keyword) is left as it is.
      {"application_name=password host=db", "application_name=password host=db"},
  });
}

TEST(RedactConninfoTest, QuotedPasswordsAreHiddenWholeWithTheirQuotes) {
  ExpectRedactions({
      {"host=db password='se cret' dbname=billing", "host=db password=*** dbname=billing"},
      {"password='it\\'s here' host=db", "password=*** host=db"},
      {"password='' host=db", "password=*** host=db"},
      {"password='never closed", "password=***"},
  });
}

TEST(RedactConninfoTest, UriFormHidesTheUserinfoAndQueryPassword) {
  ExpectRedactions({
      {"postgresql://alice:secret@db:5432/billing", "postgresql://alice:***@db:5432/billing"},
      {"postgres://alice:se:cret@db/billing", "postgres://alice:***@db/billing"},
      {"postgresql://alice@db:5432/billing", "postgresql://alice@db:5432/billing"},
      {"postgresql://db:5432/billing", "postgresql://db:5432/billing"},
      {"postgresql://db/billing?user=alice&password=secret&sslmode=require",
       "postgresql://db/billing?user=alice&password=***&sslmode=require"},
      {"postgresql://db/billing?password=secret", "postgresql://db/billing?password=***"},
      {"postgresql://alice:one@db/billing?password=two",
       "postgresql://alice:***@db/billing?password=***"},
  });
}

// Forms that leak today, asserted as they are so a change to them is seen; the fix is
// tracked separately. Each expected string still shows (part of) the password.
TEST(RedactConninfoTest, FormsThatLeakToday) {
  ExpectRedactions({
      // A second password= in a URI query: only the first is hidden.
      {"postgresql://db/billing?password=a&password=secret",
       "postgresql://db/billing?password=***&password=secret"},
      // Whitespace other than a space before '=' (libpq accepts any).
      {"host=db password\t=secret", "host=db password\t=secret"},
      // "://" anywhere makes the keyword form read as a URI: a spaced '=' is not seen and
      // a '&' ends the value.
      {"password = secret application_name=x://y", "password = secret application_name=x://y"},
      {"password=se&cret application_name=x://y", "password=***&cret application_name=x://y"},
  });
}

}  // namespace
}  // namespace scope_migrate
