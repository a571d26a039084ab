#include "core/route_matcher.h"

#include <algorithm>

namespace scope_migrate {
namespace {

bool IsParameter(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

std::string_view PathWithoutQuery(std::string_view path) {
  const size_t cut = path.find_first_of("?#");
  return cut == std::string_view::npos ? path : path.substr(0, cut);
}

RouteMatcher::RouteMatcher(const std::vector<Endpoint>& endpoints) {
  for (int& root : roots_) {
    root = static_cast<int>(nodes_.size());
    nodes_.emplace_back();
  }
  for (size_t i = 0; i < endpoints.size(); ++i) {
    int node = roots_[static_cast<int>(endpoints[i].method)];
    for (const std::string& segment : endpoints[i].segments) node = Child(node, segment);
    if (nodes_[node].endpoint < 0) nodes_[node].endpoint = static_cast<int>(i);
  }
  for (Node& node : nodes_) std::sort(node.literals.begin(), node.literals.end());
}

int RouteMatcher::Child(int node, const std::string& segment) {
  if (IsParameter(segment)) {
    if (nodes_[node].parameter < 0) {
      const int child = static_cast<int>(nodes_.size());
      nodes_.emplace_back();
      nodes_[node].parameter = child;
    }
    return nodes_[node].parameter;
  }
  for (const auto& [literal, child] : nodes_[node].literals) {
    if (literal == segment) return child;
  }
  const int child = static_cast<int>(nodes_.size());
  nodes_.emplace_back();
  nodes_[node].literals.emplace_back(segment, child);
  return child;
}

int RouteMatcher::Walk(int node, const std::string_view* segments, size_t count) const {
  const Node& here = nodes_[node];
  if (count == 0) return here.endpoint;
  const auto literal = std::lower_bound(
      here.literals.begin(), here.literals.end(), segments[0],
      [](const std::pair<std::string, int>& entry, std::string_view key) { return entry.first < key; });
  if (literal != here.literals.end() && literal->first == segments[0]) {
    const int found = Walk(literal->second, segments + 1, count - 1);
    if (found >= 0) return found;
  }
  return here.parameter >= 0 ? Walk(here.parameter, segments + 1, count - 1) : -1;
}

int RouteMatcher::Match(std::string_view method_text, std::string_view path) const {
  const auto method = ParseHttpMethod(method_text);
  if (!method) return -1;
  path = PathWithoutQuery(path);
  std::string_view segments[kMaxRouteSegments];
  size_t count = 0;
  size_t begin = 0;
  while (begin < path.size()) {
    size_t end = path.find('/', begin);
    if (end == std::string_view::npos) end = path.size();
    if (end > begin) {
      if (count == kMaxRouteSegments) return -1;  // longer than any route
      segments[count++] = path.substr(begin, end - begin);
    }
    begin = end + 1;
  }
  const int found = Walk(roots_[static_cast<int>(*method)], segments, count);
  if (found >= 0 || *method != HttpMethod::kHead) return found;
  return Walk(roots_[static_cast<int>(HttpMethod::kGet)], segments, count);
}

}  // namespace scope_migrate
