#include "plan/usage_reader.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <string>
#include <vector>

#include "base/errors.h"
#include "base/file_streams.h"
#include "plan/usage_csv.h"
#include "support/test_util.h"

namespace scope_migrate {
namespace {

struct Seen {
  std::string key, method, path;
  Instant at;
  int status;
  uint64_t count;
  bool operator==(const Seen& o) const {
    return key == o.key && method == o.method && path == o.path && at == o.at &&
           status == o.status && count == o.count;
  }
};

class Collect : public UsageVisitor {
 public:
  std::vector<Seen> seen;
  void Visit(const UsageRecord& r) override {
    seen.push_back({std::string(r.key), std::string(r.method), std::string(r.path), r.at,
                    r.status, r.count});
  }
};

const Instant kAt = *ParseRfc3339("2026-03-01T10:00:00Z");

class UsageReaderTest : public testing::TempDirTest {
 protected:
  std::vector<Seen> Read(const std::string& name, const std::string& text,
                         const UsageReadOptions& options = {}) {
    Collect collect;
    ReadUsageFile(WriteTemp(name, text), options, collect);
    return collect.seen;
  }
};

TEST_F(UsageReaderTest, FlatJsonLines) {
  const auto seen = Read("u.jsonl",
                         "{\"key\":\"k1\",\"method\":\"GET\",\"path\":\"/v1/a?x\",\"at\":"
                         "\"2026-03-01T11:00:00+01:00\"}\n"
                         "\n"
                         " {\"extra\":{\"n\":[1,{\"x\":null}],\"t\":true},\"count\":3,\"status\":200,"
                         "\"key\":42,\"method\":\"post\",\"path\":\"/v1/\\u00e9\\/b\",\"at\":"
                         "\"2026-03-01T10:00:00Z\"}\r\n"
                         "{\"key\":\"k\\\"3\",\"method\":\"GET\",\"path\":\"/\",\"at\":"
                         "\"2026-03-01T10:00:00Z\",\"status\":null,\"count\":null}");
  EXPECT_EQ(seen, (std::vector<Seen>{{"k1", "GET", "/v1/a?x", kAt, 0, 1},
                                     {"42", "post", "/v1/\xc3\xa9/b", kAt, 200, 3},
                                     {"k\"3", "GET", "/", kAt, 0, 1}}));
}

TEST_F(UsageReaderTest, CsvWithHeaderInAnyOrderAndOtherColumns) {
  const auto seen = Read("u.csv",
                         "Status,path,ignored,AT,method,key,count\r\n"
                         "200,/v1/a,\"x,y\",2026-03-01T10:00:00Z,GET,k1,\r\n"
                         ",\"/v1/\"\"q\"\"\",z,2026-03-01T10:00:00Z,PUT,k2,7\n");
  EXPECT_EQ(seen, (std::vector<Seen>{{"k1", "GET", "/v1/a", kAt, 200, 1},
                                     {"k2", "PUT", "/v1/\"q\"", kAt, 0, 7}}));
}

TEST_F(UsageReaderTest, GatewayLogsThroughUsageFields) {
  std::string why;
  UsageReadOptions options;
  options.fields = ParseUsageFieldPaths(
      "key=authenticated_entity.id,method=request.method,path=request.uri,at=started_at:ms,"
      "status=response.status",
      why);
  ASSERT_TRUE(options.fields) << why;
  const auto seen = Read("kong.log",
                         "{\"authenticated_entity\":{\"id\":\"k1\"},\"request\":{\"method\":\"GET\","
                         "\"uri\":\"/v1/a\"},\"response\":{\"status\":403},\"started_at\":"
                         "1772359200000}\n",
                         options);
  EXPECT_EQ(seen, (std::vector<Seen>{{"k1", "GET", "/v1/a", kAt, 403, 1}}));
}

TEST_F(UsageReaderTest, CompressedFilesReadTheSame) {
  const std::string text =
      "{\"key\":\"k1\",\"method\":\"GET\",\"path\":\"/v1/a\",\"at\":\"2026-03-01T10:00:00Z\"}\n";
  for (const auto& [name, compression] :
       {std::pair<std::string, Compression>{"u.jsonl.gz", Compression::kGzip},
        {"u.jsonl.zst", Compression::kZstd}}) {
    const std::string path = Dir() + "/" + name;
    {
      OutputFile out(path, compression);
      out.sputn(text.data(), static_cast<std::streamsize>(text.size()));
      out.Close();
    }
    Collect collect;
    ReadUsageFile(path, {}, collect);
    EXPECT_EQ(collect.seen, (std::vector<Seen>{{"k1", "GET", "/v1/a", kAt, 0, 1}})) << name;
  }
}

TEST(UsageFormatOfTest, ByName) {
  EXPECT_EQ(UsageFormatOf("a.csv"), UsageFormat::kCsv);
  EXPECT_EQ(UsageFormatOf("a.csv.gz"), UsageFormat::kCsv);
  EXPECT_EQ(UsageFormatOf("a.csv.zst"), UsageFormat::kCsv);
  EXPECT_EQ(UsageFormatOf("a.jsonl.zst"), UsageFormat::kJsonLines);
  EXPECT_EQ(UsageFormatOf("-"), UsageFormat::kJsonLines);
}

struct BadUsage {
  const char* name;
  const char* file;
  std::string text;
  int line;
  const char* message;
};

class UsageReaderErrorTest : public UsageReaderTest,
                             public ::testing::WithParamInterface<BadUsage> {};

TEST_P(UsageReaderErrorTest, NamesFileAndLine) {
  const BadUsage& c = GetParam();
  const std::string path = WriteTemp(c.file, c.text);
  Collect collect;
  testing::ExpectInputError([&] { ReadUsageFile(path, {}, collect); }, path, c.line, 1,
                            c.message);
}

const std::string kOk =
    "{\"key\":\"k\",\"method\":\"GET\",\"path\":\"/\",\"at\":\"2026-03-01T10:00:00Z\"}\n";

INSTANTIATE_TEST_SUITE_P(
    Table, UsageReaderErrorTest,
    ::testing::Values(
        BadUsage{"NotJson", "u.jsonl", kOk + "key=k\n", 2, "not a JSON object"},
        BadUsage{"NoAt", "u.jsonl", "{\"key\":\"k\",\"method\":\"GET\",\"path\":\"/\"}\n", 1,
                 "the record has no \"at\""},
        BadUsage{"AtWithoutOffset", "u.jsonl",
                 "{\"key\":\"k\",\"method\":\"GET\",\"path\":\"/\",\"at\":\"2026-03-01T10:00:00\"}",
                 1, "\"at\" \"2026-03-01T10:00:00\" is not an RFC 3339 instant with an offset"},
        BadUsage{"CountZero", "u.jsonl",
                 "{\"key\":\"k\",\"method\":\"GET\",\"path\":\"/\",\"at\":\"2026-03-01T10:00:00Z\","
                 "\"count\":0}",
                 1, "\"count\" \"0\" is not an integer >= 1"},
        BadUsage{"StatusText", "u.jsonl",
                 "{\"key\":\"k\",\"method\":\"GET\",\"path\":\"/\",\"at\":\"2026-03-01T10:00:00Z\","
                 "\"status\":\"200\"}",
                 1, "\"status\" must be an integer"},
        BadUsage{"FieldTwice", "u.jsonl", "{\"key\":\"a\",\"key\":\"b\"}", 1, "\"key\" twice"},
        BadUsage{"TrailingText", "u.jsonl", kOk.substr(0, kOk.size() - 1) + " x\n", 1,
                 "text after the JSON object"},
        BadUsage{"Nul", "u.jsonl", kOk + std::string("{\"key\":\"\0\"}\n", 12), 2, "a NUL byte"},
        BadUsage{"InvalidUtf8", "u.jsonl", kOk + kOk + "{\"key\":\"\xff\"}\n", 3, "invalid UTF-8"},
        BadUsage{"BadEscape", "u.jsonl", "{\"key\":\"\\x\"}", 1, "an unknown escape \\x"},
        BadUsage{"LoneSurrogate", "u.jsonl", "{\"key\":\"\\ud800\"}", 1,
                 "a lone UTF-16 surrogate in a \\u escape"},
        BadUsage{"DeepNesting", "u.jsonl", "{\"x\":" + std::string(100, '[') + "}", 1,
                 "values nested more than 64 deep"},
        BadUsage{"CsvMissingColumn", "u.csv", "key,method,path\n", 1,
                 "the header has no \"at\" column (needed: key, method, path, at; optional: "
                 "status, count)"},
        BadUsage{"CsvShortRow", "u.csv", "key,method,path,at\nk,GET,/\n", 2,
                 "a row of 3 fields under a header of 4"},
        BadUsage{"CsvOpenQuote", "u.csv", "key,method,path,at\n\"k,GET,/,x\n", 2,
                 "a quoted field that does not end on its line"},
        BadUsage{"LongLine", "u.jsonl", kOk + std::string(kMaxUsageLineBytes + 1, ' ') + "\n", 2,
                 "a line is over 1048576 bytes"}),
    [](const ::testing::TestParamInfo<BadUsage>& info) { return std::string(info.param.name); });

TEST_F(UsageReaderTest, FifoIsRefusedUnlessStandardInput) {
  const std::string path = Dir() + "/fifo";
  ASSERT_EQ(mkfifo(path.c_str(), 0600), 0);
  Collect collect;
  try {
    ReadUsageFile(path, {}, collect);
    ADD_FAILURE() << "read a FIFO";
  } catch (const ToolError& e) {
    EXPECT_EQ(e.exit_code(), 65);
    EXPECT_EQ(std::string(e.what()),
              path + ": is not a regular file (a FIFO or device is read only as \"-\", standard "
                     "input)");
  }
}

TEST(ParseUsageFieldPathsTest, Refusals) {
  std::string why;
  EXPECT_FALSE(ParseUsageFieldPaths("key=a,method=b,path=c", why));
  EXPECT_EQ(why, "no path for at");
  EXPECT_FALSE(ParseUsageFieldPaths("key=a,method=b,path=c,at=d:us", why));
  EXPECT_EQ(why, "the unit of at must be :s or :ms, not :us");
  EXPECT_FALSE(ParseUsageFieldPaths("key=a,method=b,path=c,at=d,who=e", why));
  EXPECT_EQ(why, "unknown field \"who\" (expected key, method, path, at, status, count)");
  EXPECT_FALSE(ParseUsageFieldPaths("key=a..b,method=b,path=c,at=d", why));
  EXPECT_EQ(why, "\"a..b\" is not a dotted path");
}

}  // namespace
}  // namespace scope_migrate
