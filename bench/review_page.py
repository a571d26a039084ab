#!/usr/bin/env python3
"""The review page at scale (SPEC 12.4): a plan of N generated keys (fixtures, no database),
its page written with `plan --format html`, then opened in headless Chromium over the
DevTools protocol (tests/browser/cdp.py). Prints the plan file's and the page's sizes, the
time to the first screen and the time each filter takes. A benchmark, not a timed test.

usage: python3 bench/review_page.py [N] [--tool build/scope-migrate] [--keep DIR]
       python3 bench/review_page.py --plan PLANFILE [--tool build/scope-migrate]
N defaults to 20000: the fixture format's limits (16 MiB, 2,000,000 YAML nodes) stop short
of 200,000 keys, which bench/review_page.sh plans from a throwaway PostgreSQL and hands over
with --plan (the page is then written by `show PLANFILE --format html`). Run from the
project root.

Times: "first screen" is from the navigation to the first contentful paint (the summary
tables, drawn before the script runs), and "interactive" to the moment the page's script
has drawn the first page of the key table (the page sets data-ready on <html>). A filter's
time is measured inside the page, from setting the control to the new rows laid out.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "browser"))
import cdp  # noqa: E402

ROLES = ["Finance Manager", "Order Manager & Customer Support", "Admin", "Auditor", "Product Manager",
         "AR Manager", "Manage users", "Beta preview", "Manage API credentials", "SUPERUSER"]
SCOPES = ["report-management-read", "access-management-read", "beta-preview", "document-management-read"]


def generate(path, n, tenants):
    rng = random.Random(42)
    with open(path, "w") as out:
        out.write("keys:\n")
        for i in range(n):
            roles = rng.sample(ROLES[:9], rng.choice([1, 1, 1, 2])) if rng.random() > 0.01 else ["SUPERUSER"]
            scopes = rng.sample(SCOPES, rng.choice([0, 0, 1, 2]))
            out.write("  - id: %08x-0000-4000-9000-%012d\n    tenant: tenant-%04d\n"
                      "    name: \"Integration %d\"\n    created_at: 2024-01-15T08:30:00Z\n"
                      "    roles: %s\n    scopes: %s\n"
                      % (i, i, rng.randrange(tenants), i, json.dumps(roles), json.dumps(scopes)))


# Clears the filters, runs one filter change and returns the milliseconds until the new rows are laid out.
TIME_FILTER = """
(function (id, value) {
  ['f-search', 'f-tenant', 'f-status', 'f-scope'].forEach(function (other) {
    document.getElementById(other).value = '';
  });
  var control = document.getElementById(id);
  var start = performance.now();
  control.value = value;
  control.dispatchEvent(new Event(id === 'f-search' ? 'input' : 'change'));
  document.getElementById('keys-body').offsetHeight;
  var ms = performance.now() - start;
  return [ms, Number(document.getElementById('match-count').getAttribute('data-count'))];
})(%s, %s)
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("n", nargs="?", type=int, default=20000)
    parser.add_argument("--plan")
    parser.add_argument("--tool", default="build/scope-migrate")
    parser.add_argument("--keep")
    args = parser.parse_args()
    directory = args.keep or tempfile.mkdtemp(prefix="review-page-bench-")
    os.makedirs(directory, exist_ok=True)
    fixtures = os.path.join(directory, "keys.yaml")
    plan = args.plan or os.path.join(directory, "plan.jsonl")
    page = os.path.join(directory, "review.html")
    start = time.monotonic()
    with open(page, "wb") as out:
        if args.plan:
            subprocess.run([args.tool, "show", plan, "--format", "html"], stdout=out, check=True)
        else:
            generate(fixtures, args.n, max(1, args.n // 100))
            subprocess.run([args.tool, "plan", "--fixtures", fixtures, "--mapping",
                            "mappings/legacy-roles.yaml", "--format", "html", "--out", plan],
                           stdout=out, check=True)
    seconds = time.monotonic() - start
    plan_size, page_size = os.path.getsize(plan), os.path.getsize(page)
    with open(plan) as lines:
        keys = sum(1 for line in lines) - 2
    print("keys %d: %s --format html took %.1f s" % (keys, "show" if args.plan else "plan", seconds))
    print("plan file %.1f MiB, page %.1f MiB (%.0f%% of the plan file)"
          % (plan_size / 2**20, page_size / 2**20, 100.0 * page_size / plan_size))

    browser = cdp.Browser(cdp.find_chromium())
    try:
        browser.call("Performance.enable", session=True)
        start = time.monotonic()
        browser.open("file://" + page, timeout=120)
        while browser.evaluate("document.documentElement.getAttribute('data-ready')") != "1":
            time.sleep(0.01)
        wall = time.monotonic() - start
        paint = browser.evaluate(
            "(performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime")
        ready = browser.evaluate("performance.now()")
        print("first screen (first contentful paint) %.2f s; key table drawn %.2f s (wall %.2f s)"
              % ((paint or 0) / 1000, ready / 1000, wall))
        metrics = {m["name"]: m["value"] for m in
                   browser.call("Performance.getMetrics", session=True)["metrics"]}
        print("renderer main thread busy %.2f s to here (script %.2f s, layout %.2f s); load average %s"
              % (metrics["TaskDuration"], metrics["ScriptDuration"], metrics["LayoutDuration"],
                 open("/proc/loadavg").read().split()[0]))
        tenant = browser.evaluate("document.getElementById('f-tenant').options[5].value")
        tenant_name = browser.evaluate("document.getElementById('f-tenant').options[5].textContent")
        some_id = browser.evaluate("document.querySelector('#keys-body td').textContent")
        for label, control, value in [("tenant", "f-tenant", tenant), ("every tenant", "f-tenant", ""),
                                      ("status blocked", "f-status", "3"),
                                      ("gains a privileged scope", "f-scope", "@priv"),
                                      ("search a key id", "f-search", some_id),
                                      ("search a tenant's name", "f-search", tenant_name)]:
            ms, count = browser.evaluate(TIME_FILTER % (json.dumps(control), json.dumps(value)))
            print("filter %-44s %7.1f ms, %d keys match" % (label + ":", ms, count))
        problems = browser.problems("file://" + page)
        print("console errors and requests: %s" % (problems or "none"))
    finally:
        browser.close()
    if not args.keep:
        for name in (fixtures, page) if args.plan else (fixtures, plan, page):
            if os.path.exists(name):
                os.remove(name)
        os.rmdir(directory)


if __name__ == "__main__":
    main()
