#include "plan/verified_copy.h"

#include <cstdint>

#include "base/atomic_file.h"
#include "base/errors.h"
#include "plan/planned_key.h"

namespace scope_migrate {
namespace {

void AppendNumber(std::string& record, uint32_t value) {
  record.append(reinterpret_cast<const char*>(&value), sizeof value);
}

void AppendText(std::string& record, const std::string& value) {
  AppendNumber(record, static_cast<uint32_t>(value.size()));
  record.append(value);
}

void AppendOptional(std::string& record, const std::optional<std::string>& value) {
  AppendNumber(record, value ? 1 : 0);
  if (value) AppendText(record, *value);
}

// Reads the fields of one record after its first.
class RecordReader {
 public:
  explicit RecordReader(std::FILE* file) : file_(file) {}

  uint32_t Number() {
    uint32_t value = 0;
    Bytes(&value, sizeof value);
    return value;
  }
  void Text(std::string& value) {
    value.resize(Number());
    Bytes(value.data(), value.size());
  }
  void Optional(std::optional<std::string>& value) {
    if (Number() == 0) {
      value.reset();
      return;
    }
    value.emplace();
    Text(*value);
  }

 private:
  void Bytes(void* data, size_t size) {
    if (size > 0 && std::fread(data, 1, size, file_) != size) {
      throw RuntimeFailure("the verified copy of the plan file cannot be read back");
    }
  }

  std::FILE* file_;
};

}  // namespace

VerifiedCopy::VerifiedCopy(const std::string& plan_path) : plan_path_(plan_path) {
  file_.reset(UnlinkedTempFile("the plan's verified copy"), [](std::FILE* f) {
    if (f != nullptr) std::fclose(f);
  });
  std::setvbuf(file_.get(), nullptr, _IOFBF, 1 << 20);
}

void VerifiedCopy::Append(const PlanKeyLine& k) {
  record_.clear();
  AppendNumber(record_, static_cast<uint32_t>(k.line));
  AppendNumber(record_, static_cast<uint32_t>(k.status));
  AppendText(record_, k.id);
  AppendOptional(record_, k.tenant);
  AppendOptional(record_, k.name);
  AppendText(record_, k.reason);
  for (const auto* list : {&k.roles, &k.current, &k.add, &k.extra}) {
    AppendNumber(record_, static_cast<uint32_t>(list->size()));
    for (const auto& value : *list) AppendText(record_, value);
  }
  // The override: a flag (0 none, 1 one, 2 one with allow_write), then add, remove, reason.
  AppendNumber(record_, !k.override ? 0 : k.override->allow_write ? 2 : 1);
  if (k.override) {
    for (const auto* list : {&k.override->add, &k.override->remove}) {
      AppendNumber(record_, static_cast<uint32_t>(list->size()));
      for (const auto& value : *list) AppendText(record_, value);
    }
    AppendText(record_, k.override->reason);
  }
  if (std::fwrite(record_.data(), 1, record_.size(), file_.get()) != record_.size()) {
    throw RuntimeFailure("cannot copy the plan file " + plan_path_ +
                         " to a temporary file (disk full?)");
  }
}

void VerifiedCopy::Finish() {
  if (std::fflush(file_.get()) != 0) {
    throw RuntimeFailure("cannot copy the plan file " + plan_path_ + " to a temporary file");
  }
}

void VerifiedCopy::Rewind() const { std::rewind(file_.get()); }

bool VerifiedCopy::Read(PlanKeyLine& k, bool prune) const {
  uint32_t line = 0;
  if (std::fread(&line, sizeof line, 1, file_.get()) != 1) return false;
  RecordReader in(file_.get());
  k.line = static_cast<int>(line);
  k.status = static_cast<Status>(in.Number());
  in.Text(k.id);
  in.Optional(k.tenant);
  in.Optional(k.name);
  in.Text(k.reason);
  for (auto* list : {&k.roles, &k.current, &k.add, &k.extra}) {
    list->resize(in.Number());
    for (auto& value : *list) in.Text(value);
  }
  const uint32_t override = in.Number();
  k.override.reset();
  if (override != 0) {
    k.override.emplace();
    k.override->allow_write = override == 2;
    for (auto* list : {&k.override->add, &k.override->remove}) {
      list->resize(in.Number());
      for (auto& value : *list) in.Text(value);
    }
    in.Text(k.override->reason);
  }
  k.target.clear();
  k.remove.clear();
  DeriveLists(k, prune);
  return true;
}

}  // namespace scope_migrate
