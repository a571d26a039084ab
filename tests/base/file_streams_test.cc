#include "base/file_streams.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <istream>
#include <ostream>
#include <string>

#include "base/errors.h"
#include "base/regular_file.h"
#include "base/sha256.h"
#include "support/test_util.h"

namespace scope_migrate {
namespace {

std::string Text(size_t lines) {
  std::string text;
  for (size_t i = 0; i < lines; ++i) {
    text += "{\"type\":\"key\",\"id\":\"" + std::to_string(i * 7919) +
            "\",\"add\":[\"beta-preview\"]}\n";
  }
  return text;
}

std::string WriteAndRead(const std::string& path, const std::string& text) {
  OutputFile out(path, CompressionForName(path));
  std::ostream stream(&out);
  stream << text;
  stream.flush();
  out.Close();
  InputFile in(path);
  std::istream read(&in);
  return std::string(std::istreambuf_iterator<char>(read), {});
}

class FileStreamsTest : public testing::TempDirTest {};

TEST_F(FileStreamsTest, CompressionComesFromTheName) {
  EXPECT_EQ(CompressionForName("p.jsonl"), Compression::kNone);
  EXPECT_EQ(CompressionForName("p.jsonl.gz"), Compression::kGzip);
  EXPECT_EQ(CompressionForName("p.jsonl.zst"), Compression::kZstd);
  EXPECT_EQ(CompressionForName("p.gz.jsonl"), Compression::kNone);
}

TEST_F(FileStreamsTest, EveryKindRoundTripsLargeContent) {
  const std::string text = Text(60000);  // a few MB: more than one buffer
  for (const char* name : {"/p.jsonl", "/p.jsonl.gz", "/p.jsonl.zst"}) {
    EXPECT_EQ(WriteAndRead(Dir() + name, text), text) << name;
  }
  EXPECT_LT(testing::ReadFile(Dir() + "/p.jsonl.gz").size(), text.size() / 5);
  EXPECT_LT(testing::ReadFile(Dir() + "/p.jsonl.zst").size(), text.size() / 5);
}

TEST_F(FileStreamsTest, EmptyContentRoundTrips) {
  for (const char* name : {"/e.jsonl", "/e.jsonl.gz", "/e.jsonl.zst"}) {
    EXPECT_EQ(WriteAndRead(Dir() + name, ""), "") << name;
  }
}

TEST_F(FileStreamsTest, ReadingRecognisesTheContentNotTheName) {
  const std::string text = Text(100);
  WriteAndRead(Dir() + "/p.jsonl.zst", text);
  std::rename((Dir() + "/p.jsonl.zst").c_str(), (Dir() + "/renamed.jsonl").c_str());
  InputFile in(Dir() + "/renamed.jsonl");
  EXPECT_EQ(in.compression(), Compression::kZstd);
  std::istream read(&in);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(read), {}), text);
}

void ExpectUnreadable(const std::string& path, const std::string& message) {
  try {
    InputFile in(path);
    std::istream read(&in);
    read.exceptions(std::ios::badbit);
    std::string(std::istreambuf_iterator<char>(read), {});
    ADD_FAILURE() << "read " << path;
  } catch (const ToolError& e) {
    EXPECT_EQ(e.exit_code(), 65);
    EXPECT_EQ(std::string(e.what()), path + ": " + message);
  } catch (const std::ios::failure&) {
    ADD_FAILURE() << "the stream swallowed the error for " << path;
  }
}

TEST_F(FileStreamsTest, TruncatedCompressedFilesAreRefused) {
  const std::string text = Text(20000);
  for (const auto& [name, message] :
       {std::pair<std::string, std::string>{"/t.jsonl.gz", "the gzip stream is truncated"},
        {"/t.jsonl.zst", "the zstd stream is truncated"}}) {
    const std::string path = Dir() + name;
    WriteAndRead(path, text);
    const std::string bytes = testing::ReadFile(path);
    testing::WriteFile(path, bytes.substr(0, bytes.size() / 2));
    ExpectUnreadable(path, message);
  }
}

TEST_F(FileStreamsTest, DamagedGzipIsRefused) {
  const std::string path = Dir() + "/d.jsonl.gz";
  WriteAndRead(path, Text(20000));
  std::string bytes = testing::ReadFile(path);
  for (size_t i = 100; i < 140; ++i) bytes[i] = static_cast<char>(bytes[i] ^ 0x5a);
  testing::WriteFile(path, bytes);
  try {
    InputFile in(path);
    std::istream read(&in);
    read.exceptions(std::ios::badbit);
    std::string(std::istreambuf_iterator<char>(read), {});
    ADD_FAILURE() << "read a damaged gzip file";
  } catch (const ToolError& e) {
    EXPECT_EQ(e.exit_code(), 65);
    EXPECT_NE(std::string(e.what()).find("the gzip stream is damaged"), std::string::npos)
        << e.what();
  }
}

// Regression (issue 27, finding 13): a FIFO as plan file blocked the open for ever (no
// writer) or the read (a writer that never writes). Only a regular file is read.
TEST_F(FileStreamsTest, AFifoDeviceOrDirectoryIsRefusedAtOnce) {
  const std::string fifo = Dir() + "/plan.jsonl";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  for (const std::string& path : {fifo, std::string("/dev/zero"), Dir()}) {
    ExpectUnreadable(path, kNotRegularFile);
    try {
      Sha256OfFile(path);
      ADD_FAILURE() << "hashed " << path;
    } catch (const ToolError& e) {
      EXPECT_EQ(std::string(e.what()), path + ": " + kNotRegularFile);
    }
  }
}

TEST_F(FileStreamsTest, MissingFileIsRefused) {
  ExpectUnreadable(Dir() + "/none.jsonl", "cannot read the plan file");
}

}  // namespace
}  // namespace scope_migrate
