#include "plan/plan_check.h"

#include <algorithm>
#include <functional>
#include <iterator>

#include "base/errors.h"
#include "base/string_lists.h"
#include "base/text_escape.h"
#include "core/catalog.h"
#include "core/mapping.h"
#include "core/role_matrix.h"

namespace scope_migrate {
namespace {

bool EndsWith(const std::string& text, const std::string& ending) {
  return text.size() >= ending.size() &&
         text.compare(text.size() - ending.size(), ending.size(), ending) == 0;
}

std::string Join(const std::vector<std::string>& items) {
  std::string out = "[";
  for (const auto& item : items) out += (out.size() > 1 ? ", " : "") + item;
  return out + "]";
}

bool Contains(const std::vector<std::string>& sorted, const std::string& item) {
  return std::binary_search(sorted.begin(), sorted.end(), item);
}

// Lint's rules for one role of the header's mapping; returns the broken rule or "".
std::string RoleProblem(const RoleMatrix& m, const RoleMatrix::Role& role) {
  if (role.scopes.empty()) return "role \"" + role.name + "\" has no scopes";
  for (const auto& scope : role.scopes) {
    if (!Contains(m.scopes, scope)) {
      return "role \"" + role.name + "\" has scope \"" + scope + "\", which is not in the catalog";
    }
    if (role.read_only && (EndsWith(scope, "-write") || Contains(m.privileged, scope))) {
      return "read-only role \"" + role.name + "\" reaches the write or privileged scope \"" +
             scope + "\"";
    }
  }
  return "";
}

// A decimal integer as PostgreSQL prints one: an optional '-', then digits, no leading zero.
bool IsInteger(const std::string& id) {
  const size_t digits = !id.empty() && id[0] == '-' ? 1 : 0;
  if (id.size() == digits || (id[digits] == '0' && id.size() > digits + 1)) return false;
  return std::all_of(id.begin() + digits, id.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// a < b as integers (both IsInteger).
bool IntegerLess(const std::string& a, const std::string& b) {
  const bool a_negative = a[0] == '-', b_negative = b[0] == '-';
  if (a_negative != b_negative) return a_negative;
  const bool less = a.size() != b.size() ? a.size() < b.size() : a < b;  // of the magnitudes
  return a_negative ? (a != b && !less) : less;
}

}  // namespace

PlanChecker::PlanChecker(const std::string& path, const PlanHeader& header)
    : path_(path),
      matrix_(header.mapping),
      prune_(header.prune),
      overrides_recorded_(header.overrides.has_value()),
      overrides_applied_(header.overrides ? header.overrides->applied : 0),
      excluded_(header.excluded_post_cutoff) {
  auto bad = [&](const std::string& message) {
    return InputError(path, 1, 1, "the header's mapping: " + message);
  };
  if (matrix_.empty()) {
    throw InputError(path, 1, 1,
                     "the header carries no mapping to check the key lines against: make the "
                     "plan again with this version");
  }
  if (!std::is_sorted(matrix_.scopes.begin(), matrix_.scopes.end()) ||
      !std::is_sorted(matrix_.privileged.begin(), matrix_.privileged.end())) {
    throw bad("the catalog's scopes are not sorted");
  }
  for (const auto& scope : matrix_.scopes) {
    if (!IsScopeName(scope)) {
      throw bad("scope \"" + Printable(scope) + "\" is not lower-case words joined by \"-\"");
    }
  }
  for (const auto& scope : matrix_.privileged) {
    if (!Contains(matrix_.scopes, scope)) throw bad("privileged \"" + scope + "\" is not a scope");
  }
  for (size_t i = 0; i < matrix_.roles.size(); ++i) {
    const RoleMatrix::Role& role = matrix_.roles[i];
    if (!std::is_sorted(role.scopes.begin(), role.scopes.end())) {
      throw bad("role \"" + role.name + "\" has unsorted scopes");
    }
    if (const std::string problem = RoleProblem(matrix_, role); !problem.empty()) {
      throw bad(problem);
    }
    std::vector<std::string> names = {role.name};
    for (const auto& alias : role.aliases) names.push_back(alias);
    for (const auto& name : names) {
      const auto [it, inserted] = index_.emplace(NormalizeRoleName(name), i);
      if (!inserted && it->second != i) {
        throw bad("\"" + name + "\" names two roles");
      }
    }
  }
}

const RoleMatrix::Role* PlanChecker::FindRole(const std::string& raw) const {
  const auto it = index_.find(NormalizeRoleName(raw));
  return it == index_.end() ? nullptr : &matrix_.roles[it->second];
}

// For a line that can be written, or one with an override: every role known, and status,
// add and extra as Decide() makes them (with the line's override, under its rules). Fills
// `roles` with the normalised role names, sorted and unique.
void PlanChecker::CheckDecision(const PlanKeyLine& key, std::vector<std::string>& roles) const {
  auto bad = [&](const std::string& message) {
    return InputError(path_, key.line, 1,
                      "key " + key.id + ": " + message +
                          ": the key line does not follow from the header's mapping");
  };
  if (key.roles.empty() && !key.override) {
    throw bad("it has no roles but is " + std::string(StatusName(key.status)));
  }
  std::vector<std::string> target;
  bool read_only = !key.roles.empty();
  for (const auto& raw : key.roles) {
    const RoleMatrix::Role* role = FindRole(raw);
    if (role == nullptr) throw bad("role \"" + raw + "\" is not in the mapping");
    roles.push_back(role->name);
    read_only = read_only && role->read_only;
    target = SortedUnion(target, role->scopes);
  }
  roles = SortedUnique(std::move(roles));
  Decision d;
  d.current = key.current;
  if (key.override) {
    const auto write_or_privileged = [this](const std::string& scope) {
      return EndsWith(scope, "-write") || Contains(matrix_.privileged, scope);
    };
    const OverrideRefusal refusal =
        ApplyOverride(*key.override, target, read_only, prune_, write_or_privileged, d);
    if (refusal) throw bad("its override " + refusal.message);
  } else {
    d.target = std::move(target);
    FinishDecision(d, prune_, nullptr);
  }
  if (d.add != key.add) throw bad("\"add\" is " + Join(key.add) + ", the mapping gives " + Join(d.add));
  if (d.extra != key.extra) {
    throw bad("\"extra\" is " + Join(key.extra) + ", the mapping gives " + Join(d.extra));
  }
  if (d.status != key.status || (d.status == Status::kBlocked && d.reason != key.reason)) {
    throw bad("the status is \"" + std::string(StatusName(key.status)) +
              "\", the mapping gives \"" + StatusName(d.status) + "\"");
  }
}

// A line may carry an override only in a plan whose header records an overrides file, and
// never on a skipped (revoked) key.
void PlanChecker::CheckOverrideAllowed(const PlanKeyLine& key) {
  ++overrides_;
  if (!overrides_recorded_) {
    throw InputError(path_, key.line, 1,
                     "key " + key.id +
                         " carries an override, but the header records no overrides file: the "
                         "plan file was edited");
  }
  if (key.status == Status::kSkipped) {
    throw InputError(path_, key.line, 1,
                     "key " + key.id + " is skipped but carries an override: the plan file was "
                     "edited");
  }
}

// An id equal to the previous one is left to the repeated-id check (CheckSummary).
void PlanChecker::CheckOrder(const PlanKeyLine& key) {
  if (last_line_ > 0 && key.id != last_id_) {
    byte_order_ = byte_order_ && last_id_ < key.id;
    numeric_order_ =
        numeric_order_ && IsInteger(last_id_) && IsInteger(key.id) && IntegerLess(last_id_, key.id);
    if (!byte_order_ && !numeric_order_) {
      throw InputError(path_, key.line, 1,
                       "key " + key.id + " is out of order: it follows key " + last_id_ +
                           " (line " + std::to_string(last_line_) +
                           "), and a plan lists its keys in increasing id order");
    }
  }
  last_id_ = key.id;
  last_line_ = key.line;
}

void PlanChecker::Check(const PlanKeyLine& key) {
  CheckOrder(key);
  ids_.emplace_back(std::hash<std::string>{}(key.id), key.line);
  ++counted_.Count(key.status);
  ++counted_.keys_read;
  if (key.override) CheckOverrideAllowed(key);
  if (!key.override && (key.status == Status::kBlocked || key.status == Status::kSkipped)) return;
  std::vector<std::string> roles;
  CheckDecision(key, roles);
  if (key.status == Status::kBlocked) return;
  for (const auto& role : roles) ++counted_.by_role[role];
  counted_.scopes_to_add += key.add.size();
  counted_.scopes_to_remove += key.remove.size();
  for (const auto& scope : key.add) {
    ++counted_.by_scope[scope].add;
    if (Contains(matrix_.privileged, scope)) ++counted_.privileged_grants[scope];
  }
  for (const auto& scope : key.remove) ++counted_.by_scope[scope].remove;
}

namespace {

// The first count in which `a` and `b` differ, as "NAME: written W, key lines K", or "".
std::string SummaryDifference(const Summary& written, const Summary& counted) {
  auto differ = [](const std::string& name, uint64_t w, uint64_t k) {
    return w == k ? std::string()
                  : name + " is " + std::to_string(w) + ", the key lines give " + std::to_string(k);
  };
  std::vector<std::string> found = {differ("keys_read", written.keys_read, counted.keys_read)};
  for (Status status : kListedStatuses) {
    found.push_back(differ(StatusName(status), written.Count(status), counted.Count(status)));
  }
  found.push_back(differ("scopes_to_add", written.scopes_to_add, counted.scopes_to_add));
  found.push_back(differ("scopes_to_remove", written.scopes_to_remove, counted.scopes_to_remove));
  for (const auto& f : found) {
    if (!f.empty()) return f;
  }
  if (written.by_role != counted.by_role) return "by_role differs from the key lines";
  if (written.privileged_grants != counted.privileged_grants) {
    return "privileged_grants differs from the key lines";
  }
  auto same_scope = [](const auto& a, const auto& b) {
    return a.first == b.first && a.second.add == b.second.add && a.second.remove == b.second.remove;
  };
  if (!std::equal(written.by_scope.begin(), written.by_scope.end(), counted.by_scope.begin(),
                  counted.by_scope.end(), same_scope)) {
    return "by_scope differs from the key lines";
  }
  return "";
}

}  // namespace

namespace {

bool SameMatrix(const RoleMatrix& a, const RoleMatrix& b) {
  auto same_role = [](const RoleMatrix::Role& x, const RoleMatrix::Role& y) {
    return x.name == y.name && x.read_only == y.read_only && x.scopes == y.scopes &&
           x.aliases == y.aliases;
  };
  return a.scopes == b.scopes && a.privileged == b.privileged &&
         std::equal(a.roles.begin(), a.roles.end(), b.roles.begin(), b.roles.end(), same_role);
}

}  // namespace

void CheckHeaderMapping(const std::string& plan_path, const PlanHeader& header,
                        const Mapping& mapping, const std::string& mapping_path) {
  const std::string given = mapping_path + " (sha256 " + mapping.sha256() + ")";
  if (header.mapping_sha256 != mapping.sha256()) {
    throw InputError(plan_path, 1, 1,
                     "the plan was made with the mapping of sha256 " + header.mapping_sha256 +
                         ", not with " + given +
                         ": make the plan again with that mapping, or check which one was "
                         "reviewed");
  }
  if (header.catalog_sha256 != mapping.catalog().sha256() ||
      !SameMatrix(header.mapping, MakeRoleMatrix(mapping))) {
    throw InputError(plan_path, 1, 1,
                     "the header's mapping is not that of " + given +
                         ", although it names its sha256: the plan file was edited");
  }
  // The cutoff decides which keys are legacy at all: a plan pinned to a mapping uses that
  // mapping's, whatever its header says about an override (a deleted mapping_cutoff hid one).
  if (header.cutoff != mapping.cutoff() || header.mapping_cutoff) {
    throw InputError(plan_path, 1, 1,
                     "the plan's cutoff is " + FormatUtc(header.cutoff) + ", the cutoff of " +
                         given + " is " + FormatUtc(mapping.cutoff()) +
                         ": a plan applied with --mapping uses that mapping's cutoff, so keys "
                         "it leaves out are never written; make the plan again without --cutoff");
  }
}

void CheckHeaderOverrides(const std::string& plan_path, const PlanHeader& header,
                          const Overrides* overrides) {
  if (!header.overrides && overrides == nullptr) return;
  if (!header.overrides) {
    throw InputError(plan_path, 1, 1,
                     "the plan was made without overrides, not with " + overrides->path() +
                         " (sha256 " + overrides->sha256() +
                         "): make the plan again with --overrides, or check which one was "
                         "reviewed");
  }
  if (overrides == nullptr) {
    throw InputError(plan_path, 1, 1,
                     "the plan was made with the overrides " + header.overrides->file +
                         " (sha256 " + header.overrides->sha256 +
                         "): a pinned apply needs --overrides FILE too, the reviewed file of "
                         "that sha256");
  }
  if (header.overrides->sha256 != overrides->sha256()) {
    throw InputError(plan_path, 1, 1,
                     "the plan was made with the overrides of sha256 " +
                         header.overrides->sha256 + ", not with " + overrides->path() +
                         " (sha256 " + overrides->sha256() +
                         "): make the plan again with that file, or check which one was "
                         "reviewed");
  }
}

void CheckLineOverride(const std::string& plan_path, const PlanHeader& header,
                       const PlanKeyLine& key, const Overrides& overrides) {
  const Override* o = overrides.Find(key.id);
  const bool in_plan = header.filter.Matches(key.id, key.tenant ? &*key.tenant : nullptr);
  if (o == nullptr && !key.override) return;
  if (o == nullptr || !key.override) {
    if (!key.override && !in_plan) return;
    throw InputError(plan_path, key.line, 1,
                     "key " + key.id + (key.override ? " carries an override that " : " lacks the override of ") +
                         overrides.path() + (key.override ? " does not have" : "") +
                         ": the plan file was edited");
  }
  if (*key.override != o->change) {
    throw InputError(plan_path, key.line, 1,
                     "key " + key.id + ": its override differs from that of " + overrides.path() +
                         " line " + std::to_string(o->at.line) + ": the plan file was edited");
  }
}

void PlanChecker::CheckSummary(const Summary& written, int line) {
  std::vector<std::pair<uint64_t, int>>& ids = ids_;
  std::sort(ids.begin(), ids.end());
  for (size_t i = 1; i < ids.size(); ++i) {
    if (ids[i].first == ids[i - 1].first) {
      throw InputError(path_, ids[i].second, 1,
                       "the key id of line " + std::to_string(ids[i - 1].second) +
                           " is repeated: a plan lists each key once");
    }
  }
  if (overrides_ != overrides_applied_) {
    throw InputError(path_, 1, 1,
                     "the header records " + std::to_string(overrides_applied_) +
                         " key lines with an override, the plan has " +
                         std::to_string(overrides_) + ": the plan file was edited");
  }
  if (excluded_ && *excluded_ != written.excluded_post_cutoff) {
    throw InputError(path_, line, 1,
                     "the summary's excluded_post_cutoff is " +
                         std::to_string(written.excluded_post_cutoff) + ", the header gives " +
                         std::to_string(*excluded_) + ": the plan file was edited");
  }
  if (const std::string difference = SummaryDifference(written, counted_); !difference.empty()) {
    throw InputError(path_, line, 1, "the summary's " + difference + ": the plan file was edited");
  }
}

}  // namespace scope_migrate
