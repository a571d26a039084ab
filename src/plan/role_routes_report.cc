#include "plan/role_routes_report.h"

#include "base/json_text.h"
#include "base/text_escape.h"
#include "plan/replay_report.h"

namespace scope_migrate {
namespace {

std::string Plural(size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string CountLine(size_t total, size_t accepted) {
  if (total == 0) return "nothing";
  std::string out = Plural(total, "route", "routes");
  if (accepted > 0) out += " (" + std::to_string(accepted) + " accepted)";
  return out;
}

void WriteChanges(const char* verb, const std::vector<RouteChange>& changes, std::ostream& out) {
  for (const RouteChange& change : changes) {
    out << "  " << verb << "  " << (change.write ? "write " : "read  ")
        << Printable(change.route) << "  (allowed by " << DescribeEntries(change.allowed_by)
        << ")";
    if (change.accepted) out << "  accepted: " << Printable(change.reason);
    out << "\n";
  }
}

size_t AcceptedOf(const RoleRoutes& role) {
  size_t n = 0;
  for (const RouteChange& change : role.loses) n += change.accepted ? 1 : 0;
  return n;
}

void AppendChangeJson(std::string& line, const std::string& role, const char* change_name,
                      const RouteChange& change) {
  line += "{\"type\":\"route\",\"role\":";
  AppendJsonString(line, role);
  line += ",\"change\":\"";
  line += change_name;
  line += "\",\"route\":";
  AppendJsonString(line, change.route);
  line += change.write ? ",\"write\":true" : ",\"write\":false";
  line += ",\"allowed_by\":";
  AppendEntries(line, change.allowed_by);
  line += change.accepted ? ",\"accepted\":true,\"reason\":" : ",\"accepted\":false,\"reason\":";
  if (change.accepted) {
    AppendJsonString(line, change.reason);
  } else {
    line += "null";
  }
  line += "}\n";
}

}  // namespace

void WriteRoleRoutesText(const RouteComparison& c, const RoleRoutesInfo& info,
                         std::ostream& out) {
  out << "mapping " << Printable(info.mapping) << " against endpoints "
      << Printable(info.endpoints) << ": " << Plural(c.routes, "route", "routes") << ", "
      << c.compared << " with roles compared (" << c.public_routes << " public, "
      << (c.routes - c.compared - c.public_routes) << " without roles), "
      << Plural(c.roles.size(), "role", "roles") << "\n\n";
  for (const RoleRoutes& role : c.roles) {
    out << "role " << Printable(role.role) << ": loses "
        << CountLine(role.loses.size(), AcceptedOf(role)) << ", gains "
        << CountLine(role.gains.size(), 0) << "\n";
    WriteChanges("loses", role.loses, out);
    WriteChanges("gains", role.gains, out);
  }
  out << "\nsummary: " << Plural(c.lost, "route lost", "routes lost") << " (" << c.accepted
      << " accepted by the mapping), " << Plural(c.gained, "route gained", "routes gained")
      << "\n";
  if (c.Breaking()) {
    out << "result: " << Plural(c.lost - c.accepted, "route", "routes")
        << " lost that the mapping does not accept (give the role a scope that allows it, or "
           "accept the loss under the role's `loses:` with a reason)\n";
  } else {
    out << "result: no role loses a route the mapping does not accept\n";
  }
}

void WriteRoleRoutesJsonl(const RouteComparison& c, const RoleRoutesInfo& info,
                          std::ostream& out) {
  std::string line;
  for (const RoleRoutes& role : c.roles) {
    line = "{\"type\":\"role\",\"role\":";
    AppendJsonString(line, role.role);
    line += ",\"loses\":" + std::to_string(role.loses.size()) +
            ",\"accepted\":" + std::to_string(AcceptedOf(role)) +
            ",\"gains\":" + std::to_string(role.gains.size()) + "}\n";
    out << line;
    for (const RouteChange& change : role.loses) {
      line.clear();
      AppendChangeJson(line, role.role, "loses", change);
      out << line;
    }
    for (const RouteChange& change : role.gains) {
      line.clear();
      AppendChangeJson(line, role.role, "gains", change);
      out << line;
    }
  }
  line = "{\"type\":\"summary\",\"mapping\":";
  AppendJsonString(line, info.mapping);
  line += ",\"endpoints\":";
  AppendJsonString(line, info.endpoints);
  line += ",\"routes\":" + std::to_string(c.routes) + ",\"compared\":" +
          std::to_string(c.compared) + ",\"public\":" + std::to_string(c.public_routes) +
          ",\"roles\":" + std::to_string(c.roles.size()) + ",\"lost\":" + std::to_string(c.lost) +
          ",\"accepted\":" + std::to_string(c.accepted) + ",\"gained\":" +
          std::to_string(c.gained) + (c.Breaking() ? ",\"breaking\":true}\n" : ",\"breaking\":false}\n");
  out << line;
}

}  // namespace scope_migrate
