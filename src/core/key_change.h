// The write side's data: a key's state as read under its lock (KeyState), the change to
// make to one key (KeyChange), and the values written into a scopes column (ValueChange,
// RecordedValue). Plain structs with no behaviour; the plan reader and the audit tables
// fill them, write_rules.h judges them and the key store writes them.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace scope_migrate {

// A key as it is in the database now.
struct KeyState {
  bool revoked = false;
  std::vector<std::string> roles;   // raw role values, sorted, duplicates kept
  std::vector<std::string> scopes;  // current scopes, sorted, unique
  std::string unreadable;           // why its roles or scopes do not read now, or ""
  // A scopes column only: its value as stored (text form, absent for NULL) and its items
  // in stored order, from which the new value is computed.
  std::optional<std::string> raw_scopes;
  std::vector<std::string> scope_items;
};

// What an apply run wrote into a scopes column, recorded so that its rollback can put
// back the exact previous value.
struct RecordedValue {
  std::optional<std::string> previous, written;
};

// One key's change: the scopes to add and to remove (sorted, disjoint). For apply it also
// holds the state the plan saw, which the key must still be in.
struct KeyChange {
  std::string id;
  int line = 0;  // the plan line (apply), for messages; 0 when there is none
  std::vector<std::string> add, remove;
  std::vector<std::string> planned_roles, planned_scopes;  // apply only
  std::optional<RecordedValue> recorded;                   // rollback of a scopes column
};

// One value written into a scopes column: the key, the value before and the value after.
struct ValueChange {
  std::string id;
  std::optional<std::string> previous, written;
};

}  // namespace scope_migrate
