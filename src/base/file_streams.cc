#include "base/file_streams.h"

#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <cerrno>
#include <cstring>

#include "base/errors.h"
#include "base/regular_file.h"

namespace scope_migrate {
namespace {

constexpr size_t kBufferSize = 1 << 20;

struct FileCloser {
  void operator()(std::FILE* f) const {
    if (f != nullptr) std::fclose(f);
  }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

bool EndsWith(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

ToolError WriteFailed(const std::string& path, const std::string& why) {
  return RuntimeFailure("cannot write " + path + ": " + why);
}

ToolError Damaged(const std::string& path, const std::string& why) {
  return InputError(path, 0, 0, why);
}

}  // namespace

Compression CompressionForName(const std::string& path) {
  if (EndsWith(path, ".gz")) return Compression::kGzip;
  if (EndsWith(path, ".zst")) return Compression::kZstd;
  return Compression::kNone;
}

// ---- writing ---------------------------------------------------------------------------

class OutputFile::Sink {
 public:
  Sink(std::string path, File file) : path_(std::move(path)), file_(std::move(file)) {}
  virtual ~Sink() = default;
  virtual void Write(const char* data, size_t size) = 0;
  // Ends the stream and closes the file.
  // The data is synced to disk (fsync) first: the file is renamed into place next.
  virtual void Finish() {
    if (std::fflush(file_.get()) != 0 || fsync(fileno(file_.get())) != 0 ||
        std::fclose(file_.release()) != 0) {
      throw WriteFailed(path_, std::strerror(errno));
    }
  }

 protected:
  void Put(const char* data, size_t size) {
    if (size > 0 && std::fwrite(data, 1, size, file_.get()) != size) {
      throw WriteFailed(path_, std::strerror(errno));
    }
  }

  std::string path_;
  File file_;
};

namespace {

class PlainSink : public OutputFile::Sink {
 public:
  using Sink::Sink;
  void Write(const char* data, size_t size) override { Put(data, size); }
};

class GzipSink : public OutputFile::Sink {
 public:
  GzipSink(std::string path, File file) : Sink(std::move(path), std::move(file)) {
    // 15 + 16: a gzip header and trailer around the deflate stream.
    if (deflateInit2(&z_, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
      throw WriteFailed(path_, "cannot start gzip compression");
    }
  }
  ~GzipSink() override { deflateEnd(&z_); }

  void Write(const char* data, size_t size) override { Deflate(data, size, Z_NO_FLUSH); }
  void Finish() override {
    Deflate(nullptr, 0, Z_FINISH);
    Sink::Finish();
  }

 private:
  void Deflate(const char* data, size_t size, int flush) {
    z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data));
    z_.avail_in = static_cast<uInt>(size);
    int status = Z_OK;
    do {
      z_.next_out = reinterpret_cast<Bytef*>(out_);
      z_.avail_out = sizeof out_;
      status = deflate(&z_, flush);
      if (status == Z_STREAM_ERROR) throw WriteFailed(path_, "gzip compression failed");
      Put(out_, sizeof out_ - z_.avail_out);
    } while (z_.avail_out == 0 || (flush == Z_FINISH && status != Z_STREAM_END));
  }

  z_stream z_{};
  char out_[1 << 16];
};

class ZstdSink : public OutputFile::Sink {
 public:
  ZstdSink(std::string path, File file)
      : Sink(std::move(path), std::move(file)), context_(ZSTD_createCCtx()) {
    if (context_ == nullptr) throw WriteFailed(path_, "cannot start zstd compression");
    ZSTD_CCtx_setParameter(context_, ZSTD_c_compressionLevel, 3);
  }
  ~ZstdSink() override { ZSTD_freeCCtx(context_); }

  void Write(const char* data, size_t size) override { Compress(data, size, ZSTD_e_continue); }
  void Finish() override {
    Compress(nullptr, 0, ZSTD_e_end);
    Sink::Finish();
  }

 private:
  void Compress(const char* data, size_t size, ZSTD_EndDirective mode) {
    ZSTD_inBuffer in = {data, size, 0};
    size_t left = 0;
    do {
      ZSTD_outBuffer out = {out_, sizeof out_, 0};
      left = ZSTD_compressStream2(context_, &out, &in, mode);
      if (ZSTD_isError(left)) throw WriteFailed(path_, ZSTD_getErrorName(left));
      Put(out_, out.pos);
    } while (mode == ZSTD_e_end ? left != 0 : in.pos < in.size);
  }

  ZSTD_CCtx* context_;
  char out_[1 << 16];
};

}  // namespace

OutputFile::OutputFile(const std::string& path, Compression compression)
    : OutputFile(path, std::fopen(path.c_str(), "wb"), compression) {}

OutputFile::OutputFile(const std::string& path, std::FILE* opened, Compression compression)
    : path_(path), buffer_(kBufferSize) {
  File file(opened);
  if (!file) throw WriteFailed(path, std::strerror(errno));
  switch (compression) {
    case Compression::kGzip:
      sink_ = std::make_unique<GzipSink>(path, std::move(file));
      break;
    case Compression::kZstd:
      sink_ = std::make_unique<ZstdSink>(path, std::move(file));
      break;
    case Compression::kNone:
      sink_ = std::make_unique<PlainSink>(path, std::move(file));
      break;
  }
  setp(buffer_.data(), buffer_.data() + buffer_.size());
}

OutputFile::~OutputFile() = default;  // an unclosed file is left as it is, for the caller to remove

void OutputFile::Drain() {
  sink_->Write(pbase(), static_cast<size_t>(pptr() - pbase()));
  setp(buffer_.data(), buffer_.data() + buffer_.size());
}

int OutputFile::overflow(int c) {
  Drain();
  if (c != traits_type::eof()) sputc(traits_type::to_char_type(c));
  return traits_type::not_eof(c);
}

int OutputFile::sync() {
  Drain();
  return 0;
}

void OutputFile::Close() {
  if (closed_) return;
  closed_ = true;
  Drain();
  sink_->Finish();
}

// ---- reading ---------------------------------------------------------------------------

class InputFile::Source {
 public:
  Source(std::string path, File file) : path_(std::move(path)), file_(std::move(file)) {}
  virtual ~Source() = default;
  // Up to `capacity` bytes into `out`; 0 at the end. Throws on a damaged stream.
  virtual size_t Read(char* out, size_t capacity) = 0;

 protected:
  size_t Get(char* out, size_t capacity) {
    const size_t n = std::fread(out, 1, capacity, file_.get());
    if (n == 0 && std::ferror(file_.get())) throw Damaged(path_, std::strerror(errno));
    return n;
  }

  std::string path_;
  File file_;
};

namespace {

class PlainSource : public InputFile::Source {
 public:
  using Source::Source;
  size_t Read(char* out, size_t capacity) override { return Get(out, capacity); }
};

class GzipSource : public InputFile::Source {
 public:
  GzipSource(std::string path, File file) : Source(std::move(path), std::move(file)) {
    if (inflateInit2(&z_, 15 + 32) != Z_OK) throw Damaged(path_, "cannot start gzip reading");
  }
  ~GzipSource() override { inflateEnd(&z_); }

  size_t Read(char* out, size_t capacity) override {
    z_.next_out = reinterpret_cast<Bytef*>(out);
    z_.avail_out = static_cast<uInt>(capacity);
    while (z_.avail_out == capacity) {
      if (z_.avail_in == 0) {
        z_.avail_in = static_cast<uInt>(Get(in_, sizeof in_));
        z_.next_in = reinterpret_cast<Bytef*>(in_);
        if (z_.avail_in == 0) {
          if (!ended_) throw Damaged(path_, "the gzip stream is truncated");
          break;
        }
      }
      if (ended_) {  // another gzip member follows (concatenated files)
        inflateReset(&z_);
        ended_ = false;
      }
      const int status = inflate(&z_, Z_NO_FLUSH);
      if (status == Z_STREAM_END) {
        ended_ = true;
      } else if (status != Z_OK && status != Z_BUF_ERROR) {
        throw Damaged(path_, std::string("the gzip stream is damaged (") +
                                 (z_.msg != nullptr ? z_.msg : "inflate failed") + ")");
      }
    }
    return capacity - z_.avail_out;
  }

 private:
  z_stream z_{};
  bool ended_ = false;
  char in_[1 << 16];
};

class ZstdSource : public InputFile::Source {
 public:
  ZstdSource(std::string path, File file)
      : Source(std::move(path), std::move(file)), context_(ZSTD_createDCtx()) {
    if (context_ == nullptr) throw Damaged(path_, "cannot start zstd reading");
  }
  ~ZstdSource() override { ZSTD_freeDCtx(context_); }

  size_t Read(char* out, size_t capacity) override {
    ZSTD_outBuffer output = {out, capacity, 0};
    while (output.pos == 0) {
      if (in_.pos == in_.size) {
        in_ = {buffer_, Get(buffer_, sizeof buffer_), 0};
        if (in_.size == 0) {
          if (pending_ != 0) throw Damaged(path_, "the zstd stream is truncated");
          break;
        }
      }
      pending_ = ZSTD_decompressStream(context_, &output, &in_);
      if (ZSTD_isError(pending_)) {
        throw Damaged(
            path_, std::string("the zstd stream is damaged (") + ZSTD_getErrorName(pending_) + ")");
      }
    }
    return output.pos;
  }

 private:
  ZSTD_DCtx* context_;
  ZSTD_inBuffer in_ = {nullptr, 0, 0};
  size_t pending_ = 0;  // non-zero: inside a frame
  char buffer_[1 << 16];
};

Compression Sniff(std::FILE* file) {
  unsigned char magic[4] = {0, 0, 0, 0};
  const size_t n = std::fread(magic, 1, sizeof magic, file);
  std::rewind(file);
  if (n >= 2 && magic[0] == 0x1f && magic[1] == 0x8b) return Compression::kGzip;
  if (n == 4 && magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f && magic[3] == 0xfd) {
    return Compression::kZstd;
  }
  return Compression::kNone;
}

}  // namespace

InputFile::InputFile(const std::string& path) : path_(path), buffer_(kBufferSize) {
  File file(OpenRegularFile(
      path, "cannot read the plan file"));  // a FIFO or device is refused, never waited on
  compression_ = Sniff(file.get());
  switch (compression_) {
    case Compression::kGzip:
      source_ = std::make_unique<GzipSource>(path, std::move(file));
      break;
    case Compression::kZstd:
      source_ = std::make_unique<ZstdSource>(path, std::move(file));
      break;
    case Compression::kNone:
      source_ = std::make_unique<PlainSource>(path, std::move(file));
      break;
  }
  setg(buffer_.data(), buffer_.data(), buffer_.data());
}

InputFile::~InputFile() = default;

int InputFile::underflow() {
  if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
  const size_t n = source_->Read(buffer_.data(), buffer_.size());
  setg(buffer_.data(), buffer_.data(), buffer_.data() + n);
  return n == 0 ? traits_type::eof() : traits_type::to_int_type(*gptr());
}

}  // namespace scope_migrate
