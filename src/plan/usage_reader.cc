#include "plan/usage_reader.h"

#include <sys/stat.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

#include "base/errors.h"
#include "base/file_streams.h"
#include "base/utf8.h"
#include "plan/usage_csv.h"

namespace scope_migrate {
namespace {

constexpr size_t kChunk = 1 << 20;

bool EndsWith(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool AllAscii(std::string_view line) {
  unsigned char any = 0;
  for (char c : line) any |= static_cast<unsigned char>(c);
  return (any & 0x80) == 0;
}

// An integer of `text` within [low, high], else nullopt.
std::optional<int64_t> Integer(std::string_view text, int64_t low, int64_t high) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  size_t i = 0;
  const bool negative = text[0] == '-';
  if (negative) i = 1;
  if (i == text.size()) return std::nullopt;
  int64_t value = 0;
  for (; i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    value = value * 10 + (text[i] - '0');
  }
  if (negative) value = -value;
  if (value < low || value > high) return std::nullopt;
  return value;
}

std::optional<Instant> EpochInstant(std::string_view text, UsageFieldPaths::AtUnit unit) {
  const std::string copy(text);
  char* end = nullptr;
  errno = 0;
  const double value = std::strtod(copy.c_str(), &end);
  if (copy.empty() || *end != '\0' || errno != 0 || !std::isfinite(value)) return std::nullopt;
  const double micros =
      value * (unit == UsageFieldPaths::AtUnit::kSeconds ? 1e6 : 1e3);
  if (std::fabs(micros) > 2.5e17) return std::nullopt;  // beyond year 9999
  return static_cast<Instant>(std::llround(micros));
}

// Where the bytes come from: standard input as it is, or a file through InputFile (plain,
// gzip or zstd).
class ByteSource {
 public:
  explicit ByteSource(const std::string& path) {
    if (path == "-") return;
    struct stat info;
    if (::stat(path.c_str(), &info) != 0) {
      throw InputError(path, 0, 0, std::string("cannot read the usage file: ") +
                                       std::strerror(errno));
    }
    if (!S_ISREG(info.st_mode)) {
      throw InputError(path, 0, 0,
                       "is not a regular file (a FIFO or device is read only as \"-\", "
                       "standard input)");
    }
    file_ = std::make_unique<InputFile>(path);
  }
  size_t Read(char* out, size_t size) {
    if (!file_) {
      const size_t n = std::fread(out, 1, size, stdin);
      if (n == 0 && std::ferror(stdin)) throw InputError("-", 0, 0, "cannot read standard input");
      return n;
    }
    return static_cast<size_t>(file_->sgetn(out, static_cast<std::streamsize>(size)));
  }

 private:
  std::unique_ptr<InputFile> file_;
};

// Reads `path` line by line into the parser of its format.
class UsageFileReader {
 public:
  UsageFileReader(const std::string& path, const UsageReadOptions& options, UsageVisitor& visitor)
      : path_(path), options_(options), visitor_(visitor), source_(path),
        format_(UsageFormatOf(path)) {
    if (options_.fields && format_ == UsageFormat::kCsv) {
      throw UsageError("--usage-fields reads JSON records; " + path + " is CSV");
    }
  }

  uint64_t Run() {
    std::vector<char> buffer(kChunk + kMaxUsageLineBytes + 1);
    size_t filled = 0;
    bool eof = false;
    while (!eof || filled > 0) {
      if (!eof) {
        const size_t n = source_.Read(buffer.data() + filled, buffer.size() - filled);
        eof = n == 0;
        filled += n;
      }
      size_t start = 0;
      for (;;) {
        const void* newline = std::memchr(buffer.data() + start, '\n', filled - start);
        if (newline == nullptr) break;
        const size_t end = static_cast<const char*>(newline) - buffer.data();
        Line(std::string_view(buffer.data() + start, end - start));
        start = end + 1;
      }
      if (eof && start < filled) {
        Line(std::string_view(buffer.data() + start, filled - start));
        start = filled;
      }
      if (filled - start > kMaxUsageLineBytes) {
        ++line_;
        throw Error("a line is over " + std::to_string(kMaxUsageLineBytes) + " bytes");
      }
      std::memmove(buffer.data(), buffer.data() + start, filled - start);
      filled -= start;
    }
    if (format_ == UsageFormat::kCsv && !header_read_) {
      throw InputError(path_, 0, 0, "the CSV file has no header row");
    }
    return records_;
  }

 private:
  ToolError Error(const std::string& why) const { return InputError(path_, line_, 0, why); }

  void Line(std::string_view line) {
    ++line_;
    if (line.size() > kMaxUsageLineBytes) {
      throw Error("a line is over " + std::to_string(kMaxUsageLineBytes) + " bytes");
    }
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (std::memchr(line.data(), '\0', line.size()) != nullptr) throw Error("a NUL byte");
    if (!AllAscii(line) && !IsValidUtf8(std::string(line))) throw Error("invalid UTF-8");
    if (line.find_first_not_of(" \t") == std::string_view::npos) return;
    RawUsageFields raw;
    std::string why;
    bool ok = false;
    if (format_ == UsageFormat::kCsv) {
      if (!header_read_) {
        if (!csv_.Header(line, why)) throw Error(why);
        header_read_ = true;
        return;
      }
      ok = csv_.Row(line, raw, why);
    } else if (options_.fields) {
      ok = ScanGatewayRecord(line, *options_.fields, raw, gateway_storage_, why);
    } else {
      ok = json_.Scan(line, raw, why);
    }
    if (!ok) throw Error(why);
    const auto unit = options_.fields ? options_.fields->at_unit
                                      : UsageFieldPaths::AtUnit::kRfc3339;
    const auto record = CheckUsageFields(raw, unit, scratch_, why);
    if (!record) throw Error(why);
    ++records_;
    visitor_.Visit(*record);
  }

  const std::string& path_;
  const UsageReadOptions& options_;
  UsageVisitor& visitor_;
  ByteSource source_;
  UsageFormat format_;
  int line_ = 0;
  uint64_t records_ = 0;
  bool header_read_ = false;
  FlatJsonScanner json_;
  CsvUsageScanner csv_;
  std::string gateway_storage_[6];
  std::string scratch_;
};

}  // namespace

UsageFormat UsageFormatOf(const std::string& path) {
  std::string name = path;
  for (const char* suffix : {".gz", ".zst"}) {
    if (EndsWith(name, suffix)) name.resize(name.size() - std::strlen(suffix));
  }
  return EndsWith(name, ".csv") ? UsageFormat::kCsv : UsageFormat::kJsonLines;
}

std::optional<UsageRecord> CheckUsageFields(const RawUsageFields& fields,
                                            UsageFieldPaths::AtUnit at_unit, std::string& scratch,
                                            std::string& why) {
  const char* missing = !fields.key ? "key" : !fields.method ? "method" : !fields.path ? "path"
                        : !fields.at ? "at" : nullptr;
  if (missing != nullptr) {
    why = std::string("the record has no \"") + missing + "\"";
    return std::nullopt;
  }
  UsageRecord record;
  record.key = *fields.key;
  record.method = *fields.method;
  record.path = *fields.path;
  if (record.key.empty()) {
    why = "\"key\" is empty";
    return std::nullopt;
  }
  if (at_unit == UsageFieldPaths::AtUnit::kRfc3339) {
    scratch.assign(fields.at->data(), fields.at->size());
    const auto at = fields.at_is_number ? std::nullopt : ParseRfc3339(scratch);
    if (!at) {
      why = "\"at\" \"" + scratch + "\" is not an RFC 3339 instant with an offset";
      return std::nullopt;
    }
    record.at = *at;
  } else {
    const auto at = EpochInstant(*fields.at, at_unit);
    if (!at) {
      why = "\"at\" \"" + std::string(*fields.at) + "\" is not a number of " +
            (at_unit == UsageFieldPaths::AtUnit::kSeconds ? "seconds" : "milliseconds");
      return std::nullopt;
    }
    record.at = *at;
  }
  if (fields.status) {
    const auto status = Integer(*fields.status, 100, 599);
    if (!status) {
      why = "\"status\" \"" + std::string(*fields.status) + "\" is not an HTTP status (100-599)";
      return std::nullopt;
    }
    record.status = static_cast<int>(*status);
  }
  if (fields.count) {
    const auto count = Integer(*fields.count, 1, int64_t{1} << 53);
    if (!count) {
      why = "\"count\" \"" + std::string(*fields.count) + "\" is not an integer >= 1";
      return std::nullopt;
    }
    record.count = static_cast<uint64_t>(*count);
  }
  return record;
}

uint64_t ReadUsageFile(const std::string& path, const UsageReadOptions& options,
                       UsageVisitor& visitor) {
  return UsageFileReader(path, options, visitor).Run();
}

}  // namespace scope_migrate
