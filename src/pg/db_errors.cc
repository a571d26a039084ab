#include "pg/db_errors.h"

#include <pqxx/pqxx>
#include <typeinfo>
#include <utility>

#include "base/errors.h"
#include "base/string_lists.h"

namespace scope_migrate {
namespace {

// libpqxx 6.4 throws its own subclass for some states and leaves sqlstate() empty then.
std::string StateOfType(const std::exception& error) {
  static const std::pair<const std::type_info*, const char*> kStates[] = {
      {&typeid(pqxx::insufficient_privilege), "42501"},
      {&typeid(pqxx::unique_violation), "23505"},
      {&typeid(pqxx::foreign_key_violation), "23503"},
      {&typeid(pqxx::not_null_violation), "23502"},
      {&typeid(pqxx::check_violation), "23514"},
      {&typeid(pqxx::undefined_table), "42P01"},
      {&typeid(pqxx::undefined_column), "42703"},
      {&typeid(pqxx::undefined_function), "42883"},
      {&typeid(pqxx::syntax_error), "42601"},
      {&typeid(pqxx::feature_not_supported), "0A000"},
      {&typeid(pqxx::disk_full), "53100"},
      {&typeid(pqxx::out_of_memory), "53200"},
      {&typeid(pqxx::serialization_failure), "40001"},
      {&typeid(pqxx::deadlock_detected), "40P01"}};
  for (const auto& [type, state] : kStates) {
    if (typeid(error) == *type) return state;
  }
  return "";
}

DbErrorKind KindOf(const std::exception& error) {
  if (dynamic_cast<const pqxx::in_doubt_error*>(&error) != nullptr) return DbErrorKind::kInDoubt;
  if (dynamic_cast<const pqxx::broken_connection*>(&error) != nullptr) {
    return DbErrorKind::kConnectionLost;
  }
  if (dynamic_cast<const pqxx::transaction_rollback*>(&error) != nullptr) {
    return DbErrorKind::kTransactionRollback;
  }
  if (dynamic_cast<const pqxx::sql_error*>(&error) != nullptr) return DbErrorKind::kSql;
  if (dynamic_cast<const pqxx::pqxx_exception*>(&error) != nullptr) {
    return DbErrorKind::kOtherDatabase;
  }
  return DbErrorKind::kNotDatabase;
}

}  // namespace

std::string SqlState(const std::exception& error) {
  const auto* sql = dynamic_cast<const pqxx::sql_error*>(&error);
  if (sql != nullptr && !sql->sqlstate().empty()) return sql->sqlstate();
  if (sql == nullptr && dynamic_cast<const pqxx::transaction_rollback*>(&error) == nullptr) {
    return "";
  }
  return StateOfType(error);
}

DbError ClassifyDbError(const std::exception& error) {
  DbError out;
  out.kind = KindOf(error);
  out.sqlstate = SqlState(error);
  out.message = TrimTrailing(error.what());
  const auto* tool = dynamic_cast<const ToolError*>(&error);
  out.exit_code = tool != nullptr ? tool->exit_code() : kExitFailure;
  return out;
}

}  // namespace scope_migrate
