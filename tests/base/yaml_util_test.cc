// YamlFile reads exactly one YAML document (a second one, after a "---" line, is refused
// with exit 65 at the line of its marker instead of being silently ignored), and only
// from a regular file within the size cap.
#include "base/yaml_util.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <functional>
#include <string>

#include "support/test_util.h"

namespace scope_migrate {
namespace {

class YamlFileTest : public testing::TempDirTest {};

// `load` must throw ToolError(65) "path: message" (an error about the whole file).
void ExpectFileError(const std::function<void()>& load, const std::string& path,
                     const std::string& message) {
  try {
    load();
    ADD_FAILURE() << "loading " << path << " succeeded";
  } catch (const ToolError& e) {
    EXPECT_EQ(e.exit_code(), 65);
    EXPECT_EQ(std::string(e.what()), path + ": " + message);
  }
}

const char kSecondDocument[] =
    "a second YAML document starts here; the file must hold exactly one (nothing after a "
    "\"---\" line is read)";

TEST_F(YamlFileTest, OneDocumentIsRead) {
  for (const std::string text : {"a: 1\n", "---\na: 1\n", "a: 1\n...\n", "---\na: 1\n...\n"}) {
    const YamlFile file(WriteTemp("one.yaml", text));
    EXPECT_EQ(file.root()["a"].Scalar(), "1") << text;
  }
}

TEST_F(YamlFileTest, ASecondDocumentIsRefusedAtItsMarker) {
  const std::string path = WriteTemp("two.yaml", "a: 1\nb: 2\n---\nroles: {}\n");
  testing::ExpectInputError([&] { YamlFile{path}; }, path, 3, 1, kSecondDocument);
}

TEST_F(YamlFileTest, AnEmptySecondDocumentIsRefusedToo) {
  const std::string path = WriteTemp("empty.yaml", "---\na: 1\n--- \n# nothing\n");
  testing::ExpectInputError([&] { YamlFile{path}; }, path, 3, 1, kSecondDocument);
}

TEST_F(YamlFileTest, ADocumentAfterAnEndMarkerIsRefused) {
  const std::string path = WriteTemp("end.yaml", "a: 1\n...\n---\na: 2\n");
  testing::ExpectInputError([&] { YamlFile{path}; }, path, 3, 1, kSecondDocument);
}

// yaml-cpp 0.7's LoadAll never returns on these (its parser stops reading and hands back
// empty documents for ever, taking memory): found by the fleet_targets fuzz target.
TEST_F(YamlFileTest, InputThatStopsTheParserIsRefusedAtOnce) {
  for (const std::string text : {",a:\n  - b   c: \n", ",targetspasswo:\n  - name   dme: \n"}) {
    const std::string path = WriteTemp("stuck.yaml", text);
    testing::ExpectInputError([&] { YamlFile{path}; }, path, 1, 1,
                              "not valid YAML: the parser cannot read on from here");
  }
}

// A FIFO would block the read and /dev/zero never ends: only regular files are read.
TEST_F(YamlFileTest, OnlyRegularFilesAreRead) {
  const std::string fifo = Dir() + "/fifo.yaml";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  const std::string message =
      "is not a regular file (a directory, device or FIFO is not read as input)";
  ExpectFileError([&] { YamlFile{fifo}; }, fifo, message);
  ExpectFileError([] { YamlFile{"/dev/zero"}; }, "/dev/zero", message);
  ExpectFileError([&] { YamlFile{Dir()}; }, Dir(), message);
}

TEST_F(YamlFileTest, AFileOverTheCapIsRefusedAndTheCapCanBeRaised) {
  EXPECT_EQ(MaxInputBytes(), 16u * 1024 * 1024);
  const std::string path = WriteTemp("big.yaml", "a: " + std::string(100, 'x') + "\n");
  setenv("SCOPE_MIGRATE_MAX_INPUT_BYTES", "100", 1);
  ExpectFileError([&] { YamlFile{path}; }, path,
                  "is 104 bytes, over the limit of 100 bytes for an input file "
                  "(SCOPE_MIGRATE_MAX_INPUT_BYTES raises it)");
  setenv("SCOPE_MIGRATE_MAX_INPUT_BYTES", "104", 1);
  EXPECT_EQ(YamlFile(path).root()["a"].Scalar(), std::string(100, 'x'));
  for (const char* bad : {"-1", "0", "1e6", "16MiB", " 5"}) {
    setenv("SCOPE_MIGRATE_MAX_INPUT_BYTES", bad, 1);
    try {
      MaxInputBytes();
      ADD_FAILURE() << bad;
    } catch (const ToolError& e) {
      EXPECT_EQ(e.exit_code(), 64) << bad;
      EXPECT_EQ(std::string(e.what()), std::string("SCOPE_MIGRATE_MAX_INPUT_BYTES \"") + bad +
                                           "\" is not a positive number of bytes");
    }
  }
  unsetenv("SCOPE_MIGRATE_MAX_INPUT_BYTES");
}

// A mapping role name with a byte that is not UTF-8 used to lint clean and fail at plan
// time inside the JSON writer: it is refused where it is, with the file's position.
TEST_F(YamlFileTest, TextThatIsNotUtf8IsRefusedAtItsPosition) {
  const std::string path =
      WriteTemp("mapping.yaml", "version: 1\nroles:\n  \"Caf\xC3\xA9 \xFFr\": {scopes: []}\n");
  testing::ExpectInputError([&] { YamlFile{path}; }, path, 3, 9,
                            "byte 0xFF is not valid UTF-8; the file must be UTF-8");
  const std::string comment = WriteTemp("comment.yaml", "a: 1 # \xC0\xAF\n");
  testing::ExpectInputError([&] { YamlFile{comment}; }, comment, 1, 8,
                            "byte 0xC0 is not valid UTF-8; the file must be UTF-8");
}

// 1,001 aliases of a 2,000-item list stand for over two million nodes: refused with the
// file's position before any loader walks them; a few aliases are read as usual.
TEST_F(YamlFileTest, AliasesMayNotExpandPastTheNodeLimit) {
  std::string list = "items: &a [";
  for (int i = 0; i < 2000; ++i) list += "x,";
  list += "y]\nrefs:\n";
  std::string small = list;
  for (int i = 0; i < 3; ++i) small += "  - *a\n";
  EXPECT_EQ(YamlFile(WriteTemp("small.yaml", small)).root()["refs"][2].size(), 2001u);
  std::string bomb = list;
  for (int i = 0; i < 1001; ++i) bomb += "  - *a\n";
  const std::string path = WriteTemp("bomb.yaml", bomb);
  try {
    YamlFile{path};
    ADD_FAILURE() << "an alias bomb was read";
  } catch (const ToolError& e) {
    EXPECT_EQ(e.exit_code(), 65);
    const std::string message = e.what();
    EXPECT_EQ(message.rfind(path + ":", 0), 0u) << message;
    const std::string tail =
        ": the document expands to more than 2000000 nodes (YAML aliases repeat what they "
        "name); write it out or split it";
    ASSERT_GT(message.size(), tail.size());
    EXPECT_EQ(message.substr(message.size() - tail.size()), tail);
  }
}

}  // namespace
}  // namespace scope_migrate
