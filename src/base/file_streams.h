// Plan files on disk, plain or compressed. OutputFile writes through a large buffer (and
// syncs the file to disk when closed, as it is renamed into place next) and
// compresses with gzip (zlib) when the name ends in ".gz" and with zstd when it ends in
// ".zst"; InputFile reads any of the three, telling them apart by their first bytes, not
// their names. Both are std::streambufs, so the plan writer and reader (and their
// checksum, which covers the uncompressed bytes) do not know the difference. Errors
// (cannot open, disk full, a damaged or truncated compressed stream) throw ToolError: 1
// when writing, 65 when reading, naming the file.
#pragma once

#include <cstdio>
#include <memory>
#include <streambuf>
#include <string>
#include <vector>

namespace scope_migrate {

enum class Compression { kNone, kGzip, kZstd };

// By name: ".gz" gzip, ".zst" zstd, anything else none.
Compression CompressionForName(const std::string& path);

class OutputFile : public std::streambuf {
 public:
  // Creates (truncates) `path`, compressed as `compression`.
  OutputFile(const std::string& path, Compression compression);
  // Writes to `file`, already open (nullptr: throws, with errno's reason), and closes it;
  // `path` names it in messages.
  OutputFile(const std::string& path, std::FILE* file, Compression compression);
  ~OutputFile() override;
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  // Flushes, ends the compressed stream and closes the file; throws if any write failed.
  void Close();

  class Sink;  // where the bytes go: the file, plain or through a compressor

 protected:
  int overflow(int c) override;
  int sync() override;

 private:
  void Drain();

  std::string path_;
  std::unique_ptr<Sink> sink_;
  std::vector<char> buffer_;
  bool closed_ = false;
};

class InputFile : public std::streambuf {
 public:
  // Opens `path` and recognises its compression; throws ToolError(65) if it cannot be read.
  explicit InputFile(const std::string& path);
  ~InputFile() override;
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  Compression compression() const { return compression_; }

  class Source;  // where the bytes come from: the file, plain or through a decompressor

 protected:
  int underflow() override;

 private:
  std::string path_;
  Compression compression_ = Compression::kNone;
  std::unique_ptr<Source> source_;
  std::vector<char> buffer_;
};

}  // namespace scope_migrate
