#include "core/replay.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/shipped_mapping.h"

namespace scope_migrate {
namespace {

Endpoint Route(const std::string& text, std::vector<ScopeEntry> scopes) {
  std::string why;
  Endpoint endpoint = *ParseRoute(text, &why);
  endpoint.scopes = std::move(scopes);
  endpoint.is_public = endpoint.scopes.empty();
  return endpoint;
}

const Instant kFrom = 1000 * 1000000LL;
const Instant kTo = 2000 * 1000000LL;
Instant At(int seconds) { return seconds * 1000000LL; }

class ReplayTest : public ::testing::Test {
 protected:
  ReplayTest()
      : endpoints_("endpoints.yaml", "", testing::ShippedMapping().catalog(),
                   {Route("GET /v1/reports", {{"report-management-read"}}),         // 0
                    Route("GET /v1/invoices/{id}", {{"document-management-read"},
                                                    {"document-management-write"}}),  // 1
                    Route("POST /v1/orders", {{"contract-order-management-write",
                                               "customer-management-read"}}),       // 2
                    Route("GET /v1/health", {})}),                                  // 3
        replay_(endpoints_, kFrom, kTo) {
    replay_.AddKey({"k1", "acme", Status::kChange, "", {"document-management-read"}});
    replay_.AddKey({"k2", "acme", Status::kUnchanged, "",
                    {"contract-order-management-write", "customer-management-read",
                     "document-management-write", "report-management-read"}});
    replay_.AddKey({"k3", "globex", Status::kBlocked, "no roles", {}});
    replay_.AddKey({"k4", "globex", Status::kSkipped, "revoked", {"document-management-read"}});
    replay_.AddKey({"k5", "", Status::kDrift, "", {"beta-preview"}});
  }

  void Call(const char* key, const char* method, const char* path, int at, int status = 0,
            uint64_t count = 1) {
    replay_.Visit(UsageRecord{key, method, path, At(at), status, count});
  }

  EndpointCatalog endpoints_;
  Replay replay_;
};

TEST_F(ReplayTest, ClassifiesInSpecOrderAndCountsCalls) {
  Call("k1", "GET", "/v1/reports", 999, 0, 5);        // before the window
  Call("k1", "GET", "/v1/reports", 2000);             // at its end: outside
  Call("zz", "GET", "/v1/reports", 1500, 403, 2);     // other key beats refused
  Call("k1", "GET", "/v1/reports", 1500, 401, 3);     // refused before
  Call("k1", "GET", "/v1/reports", 1000, 200, 4);     // window's first instant: replayed
  Call("k1", "GET", "/v1/reports?x=1", 1700, 500);    // replayed, denied
  Call("k1", "GET", "/v1/invoices/9", 1600, 0, 10);   // allowed
  Call("k1", "DELETE", "/v1/unknown?q", 1800, 0, 7);  // unmatched
  Call("k2", "GET", "/v1/invoices/9", 1100);
  Call("k2", "POST", "/v1/orders", 1200, 201, 2);
  Call("k3", "GET", "/v1/reports", 1300);             // blocked with traffic
  Call("k4", "GET", "/v1/reports", 1400);             // skipped: never denied
  Call("k5", "GET", "/v1/health", 1500, 0, 6);        // public: never denied

  const ReplayResult r = replay_.Finish();
  const ReplayCounters& c = r.counters;
  EXPECT_EQ(c.records, 13u);
  EXPECT_EQ(c.outside_window, 6u);
  EXPECT_EQ(c.other_keys, 2u);
  EXPECT_EQ(c.refused_before, 3u);
  EXPECT_EQ(c.calls, 4u + 1 + 10 + 7 + 1 + 2 + 1 + 1 + 6);
  EXPECT_EQ(c.unmatched_calls, 7u);
  EXPECT_EQ(c.keys, 5u);
  EXPECT_EQ(c.keys_with_calls, 5u);
  EXPECT_EQ(c.dormant_keys, 0u);
  EXPECT_EQ(c.breaking_keys, 1u);
  EXPECT_EQ(c.denied_calls, 5u);
  EXPECT_EQ(c.blocked_keys_with_calls, 1u);
  // k1: none unused (its read serves the invoices); k2: report-management-read (its
  // report call was never made); k4: its read (reports do not take it); k5: beta-preview.
  EXPECT_EQ(c.unused_scopes, 3u);
  EXPECT_TRUE(r.Breaks());

  const KeyReplay& k1 = r.keys[0];
  EXPECT_EQ(k1.calls, 22u);
  EXPECT_EQ(k1.last_seen, At(1800));
  EXPECT_FALSE(k1.dormant);
  ASSERT_EQ(k1.denied.size(), 1u);
  EXPECT_EQ(k1.denied[0].route, "GET /v1/reports");
  EXPECT_EQ(k1.denied[0].calls, 5u);
  EXPECT_EQ(k1.denied[0].last_seen, At(1700));
  EXPECT_EQ(k1.denied[0].allowed_by, (std::vector<ScopeEntry>{{"report-management-read"}}));
  EXPECT_EQ(k1.suggested.scopes, (std::vector<std::string>{"document-management-read"}));

  const KeyReplay& k2 = r.keys[1];
  EXPECT_TRUE(k2.denied.empty());
  EXPECT_EQ(k2.unused, (std::vector<std::string>{"report-management-read"}));
  EXPECT_EQ(k2.suggested.scopes,
            (std::vector<std::string>{"contract-order-management-write",
                                      "customer-management-read", "document-management-write"}));
  EXPECT_TRUE(r.keys[2].blocked_with_traffic);
  EXPECT_TRUE(r.keys[2].denied.empty());
  EXPECT_TRUE(r.keys[3].denied.empty());
  EXPECT_EQ(r.keys[3].unused, (std::vector<std::string>{"document-management-read"}));
  EXPECT_TRUE(r.keys[4].suggested.scopes.empty());

  ASSERT_EQ(r.unmatched.size(), 1u);
  EXPECT_EQ(r.unmatched[0].first, "DELETE /v1/unknown");
  EXPECT_EQ(r.unmatched[0].second, 7u);
  ASSERT_EQ(r.tenants.size(), 3u);
  EXPECT_EQ(r.tenants[0].tenant, "");
  EXPECT_EQ(r.tenants[1].tenant, "acme");
  EXPECT_EQ(r.tenants[1].calls, 22u + 3);
  EXPECT_EQ(r.tenants[1].breaking_keys, 1u);
  EXPECT_EQ(r.tenants[2].blocked_keys_with_calls, 1u);
}

TEST_F(ReplayTest, DormantKeysSuggestNothingAndHoldEveryScopeUnused) {
  const ReplayResult r = replay_.Finish();
  EXPECT_EQ(r.counters.dormant_keys, 5u);
  EXPECT_EQ(r.counters.unused_scopes, 1u + 4 + 0 + 1 + 1);
  EXPECT_TRUE(r.keys[1].dormant);
  EXPECT_FALSE(r.keys[1].last_seen.has_value());
  EXPECT_TRUE(r.keys[1].suggested.scopes.empty());
  EXPECT_FALSE(r.Breaks());
}

TEST(CanonicalUuidTest, AcceptsCaseAndMissingHyphens) {
  EXPECT_EQ(CanonicalUuid("5B0C6A3E2F0E4C1D9A570D1F3C9B2E11"),
            "5b0c6a3e-2f0e-4c1d-9a57-0d1f3c9b2e11");
  EXPECT_EQ(CanonicalUuid("5b0c6a3e-2f0e-4c1d-9a57-0d1f3c9b2e11"),
            "5b0c6a3e-2f0e-4c1d-9a57-0d1f3c9b2e11");
  EXPECT_EQ(CanonicalUuid("5b0c6a3e-2f0e4c1d-9a57-0d1f3c9b2e11"), std::nullopt);
  EXPECT_EQ(CanonicalUuid("42"), std::nullopt);
}

TEST(ScopesAfterTest, KeepsExtrasUnlessPrunedAndCurrentForBlocked) {
  Decision d;
  d.status = Status::kChange;
  d.target = {"a", "b"};
  d.current = {"b", "x"};
  d.extra = {"x"};
  EXPECT_EQ(ScopesAfter(d), (std::vector<std::string>{"a", "b", "x"}));
  d.remove = {"x"};
  EXPECT_EQ(ScopesAfter(d), (std::vector<std::string>{"a", "b"}));
  d.status = Status::kBlocked;
  EXPECT_EQ(ScopesAfter(d), (std::vector<std::string>{"b", "x"}));
}

}  // namespace
}  // namespace scope_migrate
