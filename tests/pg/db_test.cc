// The pure helpers of db.h (no server): RedactConninfo keeps every password out of what
// the tool prints, for every form libpq accepts.
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

TEST(RedactConninfoTest, WithoutAPasswordTheTextIsShownAsTyped) {
  ExpectRedactions({
      {"host=db port=5432 dbname=billing", "host=db port=5432 dbname=billing"},
      {"application_name=password host=db", "application_name=password host=db"},
      {"postgresql://alice@db:5432/billing", "postgresql://alice@db:5432/billing"},
      {"postgresql://db/billing?sslmode=require&user=a",
       "postgresql://db/billing?sslmode=require&user=a"},
  });
}

// With a password, the text is rebuilt from what libpq parsed (libpq's option order).
TEST(RedactConninfoTest, KeywordFormHidesEveryPassword) {
  ExpectRedactions({
      {"host=db password=secret dbname=billing", "password=*** dbname=billing host=db"},
      {"password=secret", "password=***"},
      {"password = secret host=db", "password=*** host=db"},
      {"host=db password=", "password=*** host=db"},
      {"host=db password=a user=u password=b", "user=u password=*** host=db"},
      {"host=db password='se cret' dbname=billing", "password=*** dbname=billing host=db"},
      {"password='it\\'s here' host=db", "password=*** host=db"},
      {"password='' host=db", "password=*** host=db"},
      {"application_name='a b\\'c' password=x", "password=*** application_name='a b\\'c'"},
  });
}

TEST(RedactConninfoTest, UriFormHidesTheUserinfoAndQueryPassword) {
  ExpectRedactions({
      {"postgresql://alice:secret@db:5432/billing",
       "user=alice password=*** dbname=billing host=db port=5432"},
      {"postgres://alice:se:cret@db/billing", "user=alice password=*** dbname=billing host=db"},
      {"postgresql://db/billing?user=alice&password=secret&sslmode=require",
       "user=alice password=*** dbname=billing host=db sslmode=require"},
      {"postgresql://db/billing?password=secret", "password=*** dbname=billing host=db"},
      {"postgresql://alice:one@db/billing?password=two",
       "user=alice password=*** dbname=billing host=db"},
  });
}

// Forms a hand-written scanner missed: every one is valid for libpq and hid nothing (or
// only part of the password).
TEST(RedactConninfoTest, EveryFormLibpqAcceptsIsHidden) {
  ExpectRedactions({
      {"host=db password\t=secret", "password=*** host=db"},
      {"host=db password=open\\ sesame", "password=*** host=db"},
      {"postgresql://db/billing?pass%77ord=secret", "password=*** dbname=billing host=db"},
      {"postgresql://db/billing?password=a&password=secret", "password=*** dbname=billing host=db"},
      {"postgresql://al%69ce:s%65cret@db/billing",
       "user=alice password=*** dbname=billing host=db"},
      {"password = secret application_name=x://y", "password=*** application_name=x://y"},
      {"password=se&cret application_name=x://y", "password=*** application_name=x://y"},
  });
}

// Text libpq rejects may hold a password anywhere: none of it is shown.
TEST(RedactConninfoTest, UnparsableTextIsNotShown) {
  ExpectRedactions({
      {"password='never closed", kUnparsableConninfo},
      {"host=db password=secret bogus=1", kUnparsableConninfo},
      {"postgresql://alice:secret@db/billing?bogus=1", kUnparsableConninfo},
  });
}

// Regression (issue 27, finding 6): sslpassword (the SSL key's password) was shown as typed
// in the resume hint, the run row, a fleet's heading and index. Every option libpq hides is
// masked, in every form.
TEST(RedactConninfoTest, EverySecretLibpqHidesIsMasked) {
  ExpectRedactions({
      {"host=db sslpassword=keypass", "host=db sslpassword=***"},
      {"host=db sslpassword = 'key pass' password=x", "password=*** host=db sslpassword=***"},
      {"postgresql://db/billing?sslpassword=keypass", "dbname=billing host=db sslpassword=***"},
      {"postgresql://alice:pw@db/billing?sslpass%77ord=k",
       "user=alice password=*** dbname=billing host=db sslpassword=***"},
  });
}

// Regression (issue 27, finding 14): a NUL ends the text for libpq, so a password after
// one was neither parsed nor masked, yet kept with the rest.
TEST(RedactConninfoTest, TextWithANulIsNotShown) {
  ExpectRedactions({{std::string("dbname=billing\0 password=secret", 31), kUnparsableConninfo}});
}

TEST(StoredConninfoProblemTest, RefusesSecretsControlBytesAndUnparsableText) {
  EXPECT_EQ(StoredConninfoProblem("host=db dbname=billing"), nullptr);
  EXPECT_EQ(StoredConninfoProblem("service='billing'"), nullptr);
  const std::string password =
      "a password in the connection string (not shown); give it in ~/.pgpass or PGPASSFILE "
      "instead";
  const std::string control =
      "a control character in the connection string (not shown); write it on one line of "
      "printable characters";
  for (const std::string conninfo :
       {"host=db sslpassword=k", "postgresql://u:pw@h/db", "host=db password=x"}) {
    ASSERT_NE(StoredConninfoProblem(conninfo), nullptr) << conninfo;
    EXPECT_EQ(StoredConninfoProblem(conninfo), password) << conninfo;
  }
  for (const std::string& conninfo :
       {std::string("dbname=b\0 password=x", 20), std::string("dbname=b\x01password=x"),
        std::string("host=db\ndbname=b"), std::string("dbname=\x1b[2J")}) {
    ASSERT_NE(StoredConninfoProblem(conninfo), nullptr) << conninfo;
    EXPECT_EQ(StoredConninfoProblem(conninfo), control);
  }
  EXPECT_EQ(std::string(StoredConninfoProblem("host='open")),
            "libpq cannot parse this connection string (not shown)");
}

}  // namespace
}  // namespace scope_migrate
