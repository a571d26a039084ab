#include "plan/usage_json.h"

#include <nlohmann/json.hpp>

#include <cstring>
#include <vector>

namespace scope_migrate {
namespace {

constexpr int kMaxDepth = 64;
constexpr const char* kFieldNames[6] = {"key", "method", "path", "at", "status", "count"};

int FieldOf(std::string_view name) {
  for (int i = 0; i < 6; ++i) {
    if (name == kFieldNames[i]) return i;
  }
  return -1;
}

void AppendUtf8(std::string& out, uint32_t code) {
  if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xC0 | (code >> 6));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else if (code < 0x10000) {
    out += static_cast<char>(0xE0 | (code >> 12));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code >> 18));
    out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  }
}

bool Hex4(const char* p, uint32_t& code) {
  code = 0;
  for (int i = 0; i < 4; ++i) {
    const char c = p[i];
    code <<= 4;
    if (c >= '0' && c <= '9') code |= c - '0';
    else if (c >= 'a' && c <= 'f') code |= c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') code |= c - 'A' + 10;
    else return false;
  }
  return true;
}

}  // namespace

void FlatJsonScanner::Space() {
  while (p_ < end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\r' || *p_ == '\n')) ++p_;
}

// A string at p_ (its opening quote); `value` views the line, or unescaped_[slot].
bool FlatJsonScanner::String(std::string_view& value, int slot, std::string& why) {
  ++p_;
  const char* start = p_;
  while (p_ < end_ && *p_ != '"' && *p_ != '\\') {
    if (static_cast<unsigned char>(*p_) < 0x20) {
      why = "a control character inside a string";
      return false;
    }
    ++p_;
  }
  if (p_ < end_ && *p_ == '"') {
    value = std::string_view(start, p_ - start);
    ++p_;
    return true;
  }
  std::string& out = unescaped_[slot];
  out.assign(start, p_ - start);
  while (p_ < end_ && *p_ != '"') {
    const char c = *p_++;
    if (static_cast<unsigned char>(c) < 0x20) {
      why = "a control character inside a string";
      return false;
    }
    if (c != '\\') {
      out += c;
      continue;
    }
    if (p_ >= end_) break;
    const char e = *p_++;
    switch (e) {
      case '"': case '\\': case '/': out += e; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'u': {
        uint32_t code = 0;
        if (end_ - p_ < 4 || !Hex4(p_, code)) {
          why = "a \\u escape without four hex digits";
          return false;
        }
        p_ += 4;
        if (code >= 0xD800 && code <= 0xDBFF) {
          uint32_t low = 0;
          if (end_ - p_ < 6 || p_[0] != '\\' || p_[1] != 'u' || !Hex4(p_ + 2, low) ||
              low < 0xDC00 || low > 0xDFFF) {
            why = "a lone UTF-16 surrogate in a \\u escape";
            return false;
          }
          p_ += 6;
          code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
        } else if (code >= 0xDC00 && code <= 0xDFFF) {
          why = "a lone UTF-16 surrogate in a \\u escape";
          return false;
        }
        AppendUtf8(out, code);
        break;
      }
      default:
        why = std::string("an unknown escape \\") + e;
        return false;
    }
  }
  if (p_ >= end_) {
    why = "a string that does not end";
    return false;
  }
  ++p_;
  value = out;
  return true;
}

// A JSON number at p_, checked against RFC 8259's grammar.
bool FlatJsonScanner::Number(std::string_view& value, std::string& why) {
  const char* start = p_;
  if (p_ < end_ && *p_ == '-') ++p_;
  if (p_ < end_ && *p_ == '0') {
    ++p_;
  } else if (p_ < end_ && *p_ >= '1' && *p_ <= '9') {
    while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
  } else {
    why = "not a JSON value";
    return false;
  }
  if (p_ < end_ && *p_ == '.') {
    ++p_;
    if (p_ >= end_ || *p_ < '0' || *p_ > '9') {
      why = "a number without digits after \".\"";
      return false;
    }
    while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
  }
  if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
    ++p_;
    if (p_ < end_ && (*p_ == '+' || *p_ == '-')) ++p_;
    if (p_ >= end_ || *p_ < '0' || *p_ > '9') {
      why = "a number without digits in its exponent";
      return false;
    }
    while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
  }
  value = std::string_view(start, p_ - start);
  return true;
}

bool FlatJsonScanner::SkipValue(int depth, std::string& why) {
  if (depth > kMaxDepth) {
    why = "values nested more than " + std::to_string(kMaxDepth) + " deep";
    return false;
  }
  Space();
  if (p_ >= end_) {
    why = "a member without a value";
    return false;
  }
  std::string_view ignored;
  const char c = *p_;
  if (c == '"') return String(ignored, 6, why);
  if (c == '{' || c == '[') {
    const char close = c == '{' ? '}' : ']';
    ++p_;
    Space();
    if (p_ < end_ && *p_ == close) {
      ++p_;
      return true;
    }
    for (;;) {
      Space();
      if (c == '{') {
        if (p_ >= end_ || *p_ != '"') {
          why = "an object member without a quoted name";
          return false;
        }
        if (!String(ignored, 6, why)) return false;
        Space();
        if (p_ >= end_ || *p_ != ':') {
          why = "a member name without \":\"";
          return false;
        }
        ++p_;
      }
      if (!SkipValue(depth + 1, why)) return false;
      Space();
      if (p_ < end_ && *p_ == ',') {
        ++p_;
        continue;
      }
      if (p_ < end_ && *p_ == close) {
        ++p_;
        return true;
      }
      why = "a value without \",\" or an end after it";
      return false;
    }
  }
  for (const char* word : {"true", "false", "null"}) {
    const size_t n = std::strlen(word);
    if (static_cast<size_t>(end_ - p_) >= n && std::memcmp(p_, word, n) == 0) {
      p_ += n;
      return true;
    }
  }
  return Number(ignored, why);
}

bool FlatJsonScanner::Scan(std::string_view line, RawUsageFields& out, std::string& why) {
  out = RawUsageFields{};
  p_ = line.data();
  end_ = line.data() + line.size();
  Space();
  if (p_ >= end_ || *p_ != '{') {
    why = "not a JSON object";
    return false;
  }
  ++p_;
  Space();
  if (p_ < end_ && *p_ == '}') {
    ++p_;
  } else {
    for (;;) {
      Space();
      std::string_view name;
      if (p_ >= end_ || *p_ != '"' || !String(name, 6, why)) {
        if (why.empty()) why = "an object member without a quoted name";
        return false;
      }
      Space();
      if (p_ >= end_ || *p_ != ':') {
        why = "a member name without \":\"";
        return false;
      }
      ++p_;
      Space();
      const int field = FieldOf(name);
      if (field < 0) {
        if (!SkipValue(1, why)) return false;
      } else {
        std::optional<std::string_view>* slot[6] = {&out.key, &out.method, &out.path,
                                                    &out.at,  &out.status, &out.count};
        if (slot[field]->has_value()) {
          why = "\"" + std::string(kFieldNames[field]) + "\" twice";
          return false;
        }
        std::string_view value;
        const char c = p_ < end_ ? *p_ : '\0';
        if (c == '"' && field <= 3) {
          if (!String(value, field, why)) return false;
          *slot[field] = value;
        } else if (c == 'n' && field >= 4 && end_ - p_ >= 4 && std::memcmp(p_, "null", 4) == 0) {
          p_ += 4;  // a null status or count: as if absent
        } else if ((c == '-' || (c >= '0' && c <= '9')) && (field == 0 || field >= 4)) {
          if (!Number(value, why)) return false;
          *slot[field] = value;
        } else {
          why = "\"" + std::string(kFieldNames[field]) + "\" must be " +
                (field == 0 ? "a string or an integer"
                            : field <= 3 ? "a string" : "an integer");
          return false;
        }
      }
      Space();
      if (p_ < end_ && *p_ == ',') {
        ++p_;
        continue;
      }
      if (p_ < end_ && *p_ == '}') {
        ++p_;
        break;
      }
      why = "a member without \",\" or \"}\" after it";
      return false;
    }
  }
  Space();
  if (p_ != end_) {
    why = "text after the JSON object";
    return false;
  }
  return true;
}

std::optional<UsageFieldPaths> ParseUsageFieldPaths(const std::string& text, std::string& why) {
  UsageFieldPaths paths;
  size_t begin = 0;
  while (begin <= text.size()) {
    const size_t end = std::min(text.find(',', begin), text.size());
    const std::string item = text.substr(begin, end - begin);
    begin = end + 1;
    const size_t equals = item.find('=');
    if (equals == std::string::npos || equals + 1 == item.size()) {
      why = "\"" + item + "\" is not FIELD=PATH";
      return std::nullopt;
    }
    const std::string field = item.substr(0, equals);
    std::string path = item.substr(equals + 1);
    if (field == "at") {
      const size_t colon = path.rfind(':');
      if (colon != std::string::npos) {
        const std::string unit = path.substr(colon + 1);
        if (unit != "s" && unit != "ms") {
          why = "the unit of at must be :s or :ms, not :" + unit;
          return std::nullopt;
        }
        paths.at_unit = unit == "s" ? UsageFieldPaths::AtUnit::kSeconds
                                    : UsageFieldPaths::AtUnit::kMilliseconds;
        path.resize(colon);
      }
    }
    std::string* slot = field == "key"      ? &paths.key
                        : field == "method" ? &paths.method
                        : field == "path"   ? &paths.path
                        : field == "at"     ? &paths.at
                        : field == "status" ? &paths.status
                        : field == "count"  ? &paths.count
                                            : nullptr;
    if (slot == nullptr) {
      why = "unknown field \"" + field + "\" (expected key, method, path, at, status, count)";
      return std::nullopt;
    }
    if (!slot->empty()) {
      why = "\"" + field + "\" given twice";
      return std::nullopt;
    }
    if (path.empty() || path.front() == '.' || path.back() == '.' ||
        path.find("..") != std::string::npos) {
      why = "\"" + path + "\" is not a dotted path";
      return std::nullopt;
    }
    *slot = path;
    if (end == text.size()) break;
  }
  for (const auto& [name, value] : {std::pair<const char*, const std::string*>{"key", &paths.key},
                                    {"method", &paths.method},
                                    {"path", &paths.path},
                                    {"at", &paths.at}}) {
    if (value->empty()) {
      why = std::string("no path for ") + name;
      return std::nullopt;
    }
  }
  return paths;
}

bool ScanGatewayRecord(std::string_view line, const UsageFieldPaths& paths, RawUsageFields& out,
                       std::string (&storage)[6], std::string& why) {
  out = RawUsageFields{};
  const nlohmann::json record = nlohmann::json::parse(line.begin(), line.end(), nullptr, false);
  if (record.is_discarded() || !record.is_object()) {
    why = "not a JSON object";
    return false;
  }
  const std::string* field_paths[6] = {&paths.key, &paths.method, &paths.path,
                                       &paths.at,  &paths.status, &paths.count};
  std::optional<std::string_view>* slots[6] = {&out.key, &out.method, &out.path,
                                               &out.at,  &out.status, &out.count};
  for (int i = 0; i < 6; ++i) {
    if (field_paths[i]->empty()) continue;
    const nlohmann::json* node = &record;
    size_t begin = 0;
    const std::string& path = *field_paths[i];
    while (node != nullptr && begin <= path.size()) {
      const size_t end = std::min(path.find('.', begin), path.size());
      const std::string part = path.substr(begin, end - begin);
      begin = end + 1;
      const auto found = node->is_object() ? node->find(part) : node->end();
      node = node->is_object() && found != node->end() ? &*found : nullptr;
    }
    if (node == nullptr || node->is_null()) continue;
    if (node->is_string()) {
      storage[i] = node->get<std::string>();
    } else if (node->is_number()) {
      storage[i] = node->dump();
      if (i == 3) out.at_is_number = true;
    } else {
      why = "\"" + path + "\" is not a string or a number";
      return false;
    }
    *slots[i] = storage[i];
  }
  return true;
}

}  // namespace scope_migrate
