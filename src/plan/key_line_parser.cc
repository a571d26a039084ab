#include "plan/key_line_parser.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "base/errors.h"
#include "base/json_text.h"
#include "plan/planned_key.h"

namespace scope_migrate {
namespace {

using Json = nlohmann::json;

enum class Field { kOther, kType, kId, kTenant, kName, kStatus, kReason, kList, kOverride };

// Inside "override": which of its fields the parser is at.
enum class OverrideField { kOther, kReason, kList, kAllowWrite };

// Collects the fields of one key line; stops at the first rule broken, with `error` set.
class KeyLineSax : public nlohmann::json_sax<Json> {
 public:
  explicit KeyLineSax(PlanKeyLine& out) : out_(out) {}

  std::string error;
  std::string type, status;
  bool has_type = false, has_id = false, has_status = false;

  bool null() override { return Scalar(nullptr); }
  bool boolean(bool value) override {
    if (InOverride() && override_field_ == OverrideField::kAllowWrite) {
      out_.override->allow_write = value;
      return true;
    }
    return Scalar("boolean");
  }
  bool number_integer(number_integer_t) override { return Scalar("number"); }
  bool number_unsigned(number_unsigned_t) override { return Scalar("number"); }
  bool number_float(number_float_t, const string_t&) override { return Scalar("number"); }
  bool binary(binary_t&) override { return Scalar("binary"); }

  bool string(string_t& value) override {
    if (list_ != nullptr && depth_ == list_depth_) {
      list_->push_back(std::move(value));
      return true;
    }
    if (InOverride()) return OverrideString(value);
    if (depth_ != 1) return Nested();
    switch (field_) {
      case Field::kType:
        has_type = true;
        type = std::move(value);
        break;
      case Field::kId:
        has_id = true;
        out_.id = std::move(value);
        break;
      case Field::kTenant:
        out_.tenant = std::move(value);
        break;
      case Field::kName:
        out_.name = std::move(value);
        break;
      case Field::kStatus:
        has_status = true;
        status = std::move(value);
        break;
      case Field::kReason:
        out_.reason = std::move(value);
        break;
      case Field::kList:
      case Field::kOverride:
        return Fail(Expected());
      case Field::kOther:
        break;
    }
    return true;
  }

  bool start_object(std::size_t) override {
    if (list_ != nullptr && depth_ == list_depth_) return Fail("must hold strings");
    if (depth_ == 1 && field_ == Field::kOverride) {
      out_.override.emplace();
      override_field_ = OverrideField::kOther;
    } else if (depth_ == 1 && field_ != Field::kOther) {
      return Fail(Expected());
    } else if (InOverride() && override_field_ != OverrideField::kOther) {
      return Fail(OverrideExpected());
    }
    ++depth_;
    return true;
  }

  bool key(string_t& name) override {
    if (InOverride()) {
      override_field_name_ = name;
      override_field_ = name == "reason"        ? OverrideField::kReason
                        : name == "allow_write" ? OverrideField::kAllowWrite
                        : name == "add" || name == "remove" ? OverrideField::kList
                                                            : OverrideField::kOther;
      return true;
    }
    if (depth_ != 1) return true;
    field_name_ = name;
    field_ = FieldOf(name);
    return true;
  }

  bool end_object() override {
    --depth_;
    return true;
  }

  bool start_array(std::size_t) override {
    if (depth_ == 0) return Fail("", "not a plan line (no \"type\")");
    if (list_ != nullptr && depth_ == list_depth_) return Fail("must hold strings");
    if (depth_ == 1 && field_ == Field::kList) {
      StartList(ListOf(field_name_));
    } else if (depth_ == 1 && field_ != Field::kOther) {
      return Fail(Expected());
    } else if (InOverride() && override_field_ == OverrideField::kList) {
      StartList(override_field_name_ == "add" ? &out_.override->add : &out_.override->remove);
    } else if (InOverride() && override_field_ != OverrideField::kOther) {
      return Fail(OverrideExpected());
    }
    ++depth_;
    return true;
  }

  bool end_array() override {
    --depth_;
    if (list_ != nullptr && depth_ < list_depth_) list_ = nullptr;
    return true;
  }

  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception&) override {
    error = "not valid JSON (at byte " + std::to_string(position) + ")";
    return false;
  }

 private:
  static Field FieldOf(const std::string& name) {
    static const std::pair<const char*, Field> kFields[] = {
        {"type", Field::kType},  {"id", Field::kId},         {"tenant", Field::kTenant},
        {"name", Field::kName},  {"status", Field::kStatus}, {"reason", Field::kReason},
        {"roles", Field::kList}, {"current", Field::kList},  {"add", Field::kList},
        {"extra", Field::kList}, {"override", Field::kOverride}};
    for (const auto& [field_name, field] : kFields) {
      if (name == field_name) return field;
    }
    return Field::kOther;
  }

  std::vector<std::string>* ListOf(const std::string& name) {
    if (name == "roles") return &out_.roles;
    if (name == "current") return &out_.current;
    if (name == "add") return &out_.add;
    return &out_.extra;
  }

  const char* Expected() const {
    return field_ == Field::kList       ? "must be a list"
           : field_ == Field::kOverride ? "must be an object"
                                        : "must be a string";
  }

  // Directly inside the "override" object (not in one of its lists).
  bool InOverride() const { return depth_ == 2 && field_ == Field::kOverride; }

  std::string OverrideExpected() const {
    return std::string(override_field_ == OverrideField::kList         ? "must be a list"
                       : override_field_ == OverrideField::kAllowWrite ? "must be true or false"
                                                                       : "must be a string");
  }

  bool OverrideString(std::string& value) {
    if (override_field_ == OverrideField::kReason) {
      out_.override->reason = std::move(value);
      return true;
    }
    if (override_field_ == OverrideField::kOther) return true;
    return Fail("", "\"override\": \"" + override_field_name_ + "\" " + OverrideExpected());
  }

  void StartList(std::vector<std::string>* list) {
    list_ = list;
    list_->clear();
    list_depth_ = depth_ + 1;
  }

  // A value that is not a string.
  bool Scalar(const char* kind) {
    if (depth_ == 0) return Fail("", "not a plan line (no \"type\")");
    if (list_ != nullptr && depth_ == list_depth_) return Fail("must hold strings");
    if (InOverride()) {
      if (override_field_ == OverrideField::kOther) return true;
      return Fail("", "\"override\": \"" + override_field_name_ + "\" " + OverrideExpected());
    }
    if (depth_ != 1 || field_ == Field::kOther) return true;
    if (kind == nullptr && field_ == Field::kReason) return true;  // null: no reason
    if (kind == nullptr && (field_ == Field::kTenant || field_ == Field::kName)) {
      (field_ == Field::kTenant ? out_.tenant : out_.name).reset();
      return true;
    }
    if (field_ == Field::kType) return Fail("", "not a plan line (no \"type\")");
    return Fail(Expected());
  }

  bool Nested() const { return true; }  // inside an unknown field: ignored

  bool Fail(const std::string& rule, const std::string& message = "") {
    error = message.empty() ? "\"" + field_name_ + "\" " + rule : message;
    return false;
  }

  PlanKeyLine& out_;
  int depth_ = 0;
  Field field_ = Field::kOther;
  std::string field_name_;
  std::vector<std::string>* list_ = nullptr;
  int list_depth_ = 0;  // the depth of the items of list_
  OverrideField override_field_ = OverrideField::kOther;
  std::string override_field_name_;
};

bool Contains(const std::vector<std::string>& sorted, const std::string& value) {
  return std::binary_search(sorted.begin(), sorted.end(), value);
}

// The lists must fit together as a decision made them: sorted, add and current disjoint,
// extra a part of current, and a "change" key has something to change.
class ListCheck {
 public:
  ListCheck(const std::string& path, const PlanKeyLine& k) : path_(path), k_(k) {}

  void Run() const {
    Sorted("roles", k_.roles, false);
    Sorted("current", k_.current, true);
    Sorted("add", k_.add, true);
    Sorted("extra", k_.extra, true);
    for (const auto& scope : k_.add) {
      if (Contains(k_.current, scope))
        throw Error("key " + k_.id + " adds \"" + scope + "\", which it has");
    }
    for (const auto& scope : k_.extra) {
      if (!Contains(k_.current, scope)) {
        throw Error("key " + k_.id + ": extra scope \"" + scope + "\" is not one of its scopes");
      }
    }
    if (k_.override) CheckOverride(*k_.override);
    if (k_.status == Status::kChange && k_.add.empty() && k_.remove.empty()) {
      throw Error("key " + k_.id + " is a change with nothing to add or remove");
    }
  }

 private:
  ToolError Error(const std::string& message) const {
    return InputError(path_, k_.line, 1, message);
  }

  void CheckOverride(const KeyOverride& o) const {
    Sorted("override\": \"add", o.add, true);
    Sorted("override\": \"remove", o.remove, true);
    if (o.reason.empty()) throw Error("key " + k_.id + ": its override has no reason");
    if (o.add.empty() && o.remove.empty()) {
      throw Error("key " + k_.id + ": its override adds and removes nothing");
    }
    for (const auto& scope : o.add) {
      if (Contains(o.remove, scope)) {
        throw Error("key " + k_.id + ": its override both adds and removes \"" + scope + "\"");
      }
    }
  }

  void Sorted(const char* field, const std::vector<std::string>& values, bool unique) const {
    for (size_t i = 1; i < values.size(); ++i) {
      if (values[i] < values[i - 1] || (unique && values[i] == values[i - 1])) {
        throw Error(std::string("\"") + field + "\" must be sorted" +
                    (unique ? " and unique" : ""));
      }
    }
  }

  const std::string& path_;
  const PlanKeyLine& k_;
};

// A NUL (\u0000) can come from no database value (PostgreSQL text cannot hold one) and
// would cut an id short in a C string, so that the statement names another key: only an
// edit puts one in a key line. The name of the first field holding one, or nullptr.
const char* FieldWithNul(const PlanKeyLine& k) {
  auto has_nul = [](const std::string& text) { return text.find('\0') != std::string::npos; };
  auto any_nul = [&](const std::vector<std::string>& list) {
    return std::any_of(list.begin(), list.end(), has_nul);
  };
  if (has_nul(k.id)) return "id";
  if (k.tenant && has_nul(*k.tenant)) return "tenant";
  if (k.name && has_nul(*k.name)) return "name";
  if (has_nul(k.reason)) return "reason";
  if (any_nul(k.roles)) return "roles";
  if (any_nul(k.current)) return "current";
  if (any_nul(k.add)) return "add";
  if (any_nul(k.extra)) return "extra";
  if (k.override && (has_nul(k.override->reason) || any_nul(k.override->add) ||
                     any_nul(k.override->remove))) {
    return "override";
  }
  return nullptr;
}

}  // namespace

void ParseKeyLineFields(const std::string& path, int number, const std::string& text,
                        PlanKeyLine& out) {
  auto error = [&](const std::string& message) { return InputError(path, number, 1, message); };
  out = PlanKeyLine{};
  out.line = number;
  if (const size_t at = JsonNestingPastLimit(text); at != std::string::npos) {
    throw InputError(path, number, static_cast<int>(at) + 1,
                     "arrays and objects nested deeper than " + std::to_string(kMaxJsonNesting) +
                         " levels: not a plan line");
  }
  KeyLineSax sax(out);
  if (!Json::sax_parse(text, &sax) || !sax.error.empty()) throw error(sax.error);
  if (!sax.has_type) throw error("not a plan line (no \"type\")");
  if (sax.type != "key") throw error("expected a key line, found \"" + sax.type + "\"");
  if (!sax.has_id) throw error("\"id\" must be a string");
  if (!sax.has_status) throw error("\"status\" must be a string");
  if (const char* field = FieldWithNul(out)) {
    throw error(std::string("\"") + field +
                "\" holds a NUL character (\\u0000), which no database value can: the plan "
                "file was edited");
  }
  const auto status = ParseStatus(sax.status);
  if (!status || *status == Status::kExcluded) throw error("unknown status \"" + sax.status + "\"");
  out.status = *status;
}

PlanKeyLine ParseKeyLine(const std::string& path, int number, const std::string& text, bool prune) {
  PlanKeyLine k;
  ParseKeyLineFields(path, number, text, k);
  DeriveLists(k, prune);
  ListCheck(path, k).Run();
  return k;
}

}  // namespace scope_migrate
