#include "core/fixtures.h"

#include <algorithm>
#include <set>

#include "base/yaml_util.h"
#include "core/catalog.h"
#include "core/decision.h"

namespace scope_migrate {
namespace {

std::optional<Instant> ReadInstant(const YamlFile& file, const YAML::Node& node,
                                   const std::string& what) {
  if (file.IsNull(node)) return std::nullopt;
  const std::string text = file.String(node, what);
  auto instant = ParseRfc3339(text);
  if (!instant) {
    throw file.Error(node, what + " \"" + text + "\" " +
                               (OutsideYears(text) ? kOutsideYears
                                                   : "is not an RFC 3339 instant with an offset"));
  }
  return instant;
}

Expectation ReadExpectation(const YamlFile& file, const YAML::Node& node) {
  Expectation expect;
  if (node.IsSequence()) {
    expect.kind = Expectation::Kind::kTarget;
    for (const auto& scope : file.StringList(node, "expect")) {
      expect.target.push_back(NormalizeScopeName(scope));
    }
    expect.target = SortedUnique(std::move(expect.target));
    return expect;
  }
  file.ExpectMap(node, "expect", {"blocked", "skipped", "excluded"});
  if (node.size() != 1) {
    throw file.Error(node,
                     "expect must be a list of scopes or one of {blocked: \"reason\"}, "
                     "{skipped: \"reason\"}, {excluded: true}");
  }
  if (node["blocked"]) {
    expect.kind = Expectation::Kind::kBlocked;
    expect.reason_prefix = file.String(node["blocked"], "expect.blocked");
  } else if (node["skipped"]) {
    expect.kind = Expectation::Kind::kSkipped;
    expect.reason_prefix = file.String(node["skipped"], "expect.skipped");
  } else {
    if (!file.Bool(node["excluded"], "expect.excluded")) {
      throw file.Error(node["excluded"], "expect.excluded can only be true");
    }
    expect.kind = Expectation::Kind::kExcluded;
  }
  return expect;
}

}  // namespace

std::vector<FixtureKey> LoadFixtures(const std::string& path) {
  YamlFile file(path);
  const YAML::Node& root = file.root();
  file.ExpectMap(root, "the fixture file", {"keys"});
  const YAML::Node keys = root["keys"];
  if (!keys || !keys.IsSequence()) throw file.Error(keys ? keys : root, "\"keys\" must be a list");

  std::vector<FixtureKey> out;
  std::set<std::string> ids;
  for (const auto& node : keys) {
    file.ExpectMap(
        node, "a fixture key",
        {"id", "tenant", "name", "created_at", "revoked_at", "roles", "scopes", "expect"});
    if (!node["id"] || file.IsNull(node["id"]))
      throw file.Error(node, "a fixture key needs an \"id\"");
    FixtureKey fixture;
    fixture.line = node.Mark().line + 1;
    KeyRecord& key = fixture.key;
    key.id = file.String(node["id"], "id");
    if (key.id.empty()) throw file.Error(node["id"], "id is empty");
    if (!ids.insert(key.id).second)
      throw file.Error(node["id"], "duplicate key id \"" + key.id + "\"");
    if (!file.IsNull(node["tenant"])) key.tenant = file.String(node["tenant"], "tenant");
    if (!file.IsNull(node["name"])) key.name = file.String(node["name"], "name");
    key.created_at = ReadInstant(file, node["created_at"], "created_at");
    key.revoked = ReadInstant(file, node["revoked_at"], "revoked_at").has_value();
    if (!file.IsNull(node["roles"])) key.roles = file.StringList(node["roles"], "roles");
    if (!file.IsNull(node["scopes"])) key.scopes = file.StringList(node["scopes"], "scopes");
    std::sort(key.roles.begin(), key.roles.end());
    key.scopes = SortedUnique(std::move(key.scopes));
    if (node["expect"]) fixture.expect = ReadExpectation(file, node["expect"]);
    out.push_back(std::move(fixture));
  }
  std::sort(out.begin(), out.end(),
            [](const FixtureKey& a, const FixtureKey& b) { return a.key.id < b.key.id; });
  return out;
}

}  // namespace scope_migrate
