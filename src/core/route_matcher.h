// Matching a logged call against the endpoint catalog (SPEC 12.1), compiled once: one trie
// of path segments per method, each node's literal children (sorted) before its one
// parameter child, so the work per call is a walk down the path, not a loop over routes.
// The method is upper-cased (others are unmatched); the path is cut at the first "?" or
// "#", split on "/", and empty segments are dropped; literals compare exactly. Where
// several routes match, the most specific wins: the walk tries the literal child first and
// falls back to the parameter child only when the literal branch has no route, which is
// "at the first position where they differ, a literal beats {…}". A HEAD call that no
// HEAD route matches is matched against the GET routes.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "core/endpoints.h"

namespace scope_migrate {

// The path as the reports list an unmatched call: cut at the first "?" or "#".
std::string_view PathWithoutQuery(std::string_view path);

class RouteMatcher {
 public:
  explicit RouteMatcher(const std::vector<Endpoint>& endpoints);

  // The position in `endpoints` of the route that `method` and `path` call, or -1.
  int Match(std::string_view method, std::string_view path) const;

 private:
  struct Node {
    std::vector<std::pair<std::string, int>> literals;  // sorted by segment; child node
    int parameter = -1;                                 // child node, or -1
    int endpoint = -1;                                  // the route ending here, or -1
  };

  int Walk(int node, const std::string_view* segments, size_t count) const;
  int Child(int node, const std::string& segment);

  std::vector<Node> nodes_;
  std::array<int, kHttpMethodCount> roots_{};
};

}  // namespace scope_migrate
