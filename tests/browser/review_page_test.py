#!/usr/bin/env python3
"""The review page (`plan --format html`) in a real browser: headless Chromium, driven over
the DevTools protocol (cdp.py), nothing downloaded.

For the sample fixtures and for a generated plan whose ids, names, tenants and roles are
hostile (<script>, <img onerror>, quotes, bidi marks), it asserts: no console error, no
exception, no request for anything but the page; the counts the page shows equal the plan's
summary line; filtering by each tenant shows exactly that tenant's keys; the injected markup
ran nothing (a sentinel global stays unset) and built no element; the hostile plan is made
with --overrides whose reason is markup too, and the overrides section shows that reason as
text beside its key. With --screenshot PNG it also saves the sample page's first screen.

usage: review_page_test.py --tool BUILD/scope-migrate [--screenshot docs/review-page.png]
Exit 0: passed; 1: failed; 77: no Chromium installed (ctest reports the test as skipped).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cdp  # noqa: E402

SOURCE_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MAPPING = os.path.join(SOURCE_DIR, "mappings", "legacy-roles.yaml")
STATUSES = ["change", "unchanged", "drift", "blocked", "skipped"]
SENTINEL = "__reviewPageInjected"

# Every value a database could hand over, written to break out of a page: element text,
# double- and single-quoted attributes, a <script> data block, and the reading order.
HOSTILE_KEYS = [
    {"id": "<script>window.%s=1</script>" % SENTINEL, "tenant": "<img src=x onerror=\"window.%s=2\">" % SENTINEL,
     "name": "\"><img src=x onerror=window.%s=3>" % SENTINEL, "roles": ["Finance Manager"]},
    {"id": "k-quote-'\"", "tenant": "acme\u202eevil\u202c", "name": "</script><script>window.%s=4</script>" % SENTINEL,
     "roles": ["Admin"]},
    {"id": "k-unknown-role", "tenant": "' onmouseover='window.%s=5" % SENTINEL,
     "name": "<!--", "roles": ["<svg onload=window.%s=6>" % SENTINEL]},
    {"id": "k-bidi-\u2067name\u2069", "tenant": "acme\u202eevil\u202c", "name": "\u2028line & <b>bold</b>",
     "roles": ["Order Manager & Customer Support"], "scopes": ["<iframe src=//example.com>"]},
    {"id": "k-plain", "tenant": "globex", "name": "plain", "roles": ["Finance Manager"]},
    {"id": "k-no-tenant", "name": "no tenant", "roles": ["Finance Manager"]},
]


def printable(text):
    """base/text_escape.h's Printable, which every report (the page included) applies."""
    out = []
    for ch in text:
        code = ord(ch)
        if 0x80 <= code <= 0x9F or code in (0x200E, 0x200F) or 0x202A <= code <= 0x202E or \
                0x2066 <= code <= 0x2069:
            out.append("\\u%04x" % code)
        elif code < 0x20 or code == 0x7F:
            out.append({"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(ch, "\\x%02x" % code))
        else:
            out.append(ch)
    return "".join(out)


def write_fixtures(path):
    with open(path, "w", encoding="utf-8") as out:
        out.write("keys:\n")
        for key in HOSTILE_KEYS:
            out.write("  - id: %s\n" % json.dumps(key["id"]))
            if "tenant" in key:
                out.write("    tenant: %s\n" % json.dumps(key["tenant"]))
            out.write("    name: %s\n" % json.dumps(key["name"]))
            out.write("    created_at: 2024-01-15T08:30:00Z\n")
            out.write("    roles: %s\n" % json.dumps(key["roles"]))
            out.write("    scopes: %s\n" % json.dumps(key.get("scopes", [])))


# An override (SPEC 12.2) of the hostile plan's key k-plain, whose reason is markup.
OVERRIDE_KEY = "k-plain"
OVERRIDE_REASON = "<img src=x onerror=window.%s=7> OPS-1 & co" % SENTINEL


def write_overrides(path):
    with open(path, "w", encoding="utf-8") as out:
        out.write("version: 1\noverrides:\n  - key: %s\n    add: [tax-management-read]\n"
                  "    reason: %s\n" % (json.dumps(OVERRIDE_KEY), json.dumps(OVERRIDE_REASON)))


def make_page(tool, fixtures, directory, name, overrides=None):
    plan_path = os.path.join(directory, name + ".plan.jsonl")
    page_path = os.path.join(directory, name + ".html")
    more = ["--overrides", overrides] if overrides else []
    with open(page_path, "wb") as page:
        run = subprocess.run([tool, "plan", "--fixtures", os.path.relpath(fixtures, SOURCE_DIR),
                              "--mapping", MAPPING, "--format", "html", "--out", plan_path] + more,
                             stdout=page, stderr=subprocess.PIPE, cwd=SOURCE_DIR)
    if run.returncode not in (0, 2, 3):
        raise AssertionError("plan %s: exit %d: %s" % (name, run.returncode, run.stderr.decode()))
    keys, summary = [], None
    with open(plan_path, encoding="utf-8") as plan:
        for line in plan:
            record = json.loads(line)
            if record["type"] == "key":
                keys.append(record)
            elif record["type"] == "summary":
                summary = record
    return page_path, keys, summary


# Sets the tenant filter to each option in turn and collects the ids the table shows
# (every page of it) and the count it reports.
COLLECT_BY_TENANT = """
(function () {
  var select = document.getElementById('f-tenant'), out = {};
  for (var o = 1; o < select.options.length; o++) {
    select.value = select.options[o].value;
    select.dispatchEvent(new Event('change'));
    var ids = [], next = document.getElementById('page-next');
    for (;;) {
      var rows = document.querySelectorAll('#keys-body tr');
      for (var r = 0; r < rows.length; r++) {
        ids.push([rows[r].cells[0].textContent, rows[r].cells[2].textContent]);
      }
      if (next.disabled) break;
      next.click();
    }
    out[select.options[o].textContent] = {
      ids: ids, count: Number(document.getElementById('match-count').getAttribute('data-count'))};
  }
  select.value = '';
  select.dispatchEvent(new Event('change'));
  return out;
})()
"""


def check_page(browser, page_path, keys, summary, failures, label):
    url = "file://" + page_path
    browser.open(url)
    deadline = time.monotonic() + 20
    while browser.evaluate("document.documentElement.getAttribute('data-ready')") != "1":
        if time.monotonic() > deadline:
            failures.append("%s: the page's script never finished" % label)
            return
        time.sleep(0.05)

    def expect(what, got, want):
        if got != want:
            failures.append("%s: %s: got %r, want %r" % (label, what, got, want))

    for status in STATUSES:
        expect("count of " + status,
               browser.evaluate("document.getElementById('count-%s').textContent" % status),
               str(summary[status]))
    expect("keys read", browser.evaluate("document.getElementById('count-keys-read').textContent"),
           str(summary["keys_read"]))
    expect("keys in the key table",
           browser.evaluate("document.getElementById('match-count').getAttribute('data-count')"),
           str(len(keys)))

    by_tenant = {}
    for key in keys:
        tenant = printable(key["tenant"]) if "tenant" in key else "(no tenant)"
        by_tenant.setdefault(tenant, []).append(printable(key["id"]))
    shown = browser.evaluate(COLLECT_BY_TENANT)
    expect("tenants offered by the filter", sorted(shown), sorted(by_tenant))
    for tenant, ids in by_tenant.items():
        got = shown.get(tenant, {"ids": [], "count": -1})
        expect("keys of tenant %r" % tenant, sorted(i for i, _ in got["ids"]), sorted(ids))
        expect("count of tenant %r" % tenant, got["count"], len(ids))
        wrong = [t for _, t in got["ids"] if t != (tenant if tenant != "(no tenant)" else "")]
        expect("tenant column under the filter %r" % tenant, wrong, [])

    overridden = [printable(key["id"]) for key in keys if "override" in key]
    rows = browser.evaluate("Array.from(document.querySelectorAll('#overrides tr')).slice(1)"
                            ".map(function (r) { return [r.cells[0].textContent, "
                            "r.cells[4].textContent, r.cells[6].textContent]; })")
    want = [[OVERRIDE_KEY, "tax-management-read", OVERRIDE_REASON]] if overridden else []
    expect("rows of the overrides section", rows, want)
    expect("sentinel", browser.evaluate("typeof window.%s" % SENTINEL), "undefined")
    expect("elements built from data",
           browser.evaluate("document.querySelectorAll('img,svg,iframe,b,body script:not([type])')"
                            ".length"), 1)  # the page's own script only
    for problem in browser.problems(url):
        failures.append("%s: %s" % (label, problem))


def check_without_script(page_path, summary, failures, label):
    """The summary is plain HTML: the counts are in the file's text, not drawn by script."""
    with open(page_path, encoding="utf-8") as page:
        text = page.read()
    for status in STATUSES:
        cell = 'id="count-%s">%d<' % (status, summary[status])
        if cell not in text:
            failures.append("%s: the file has no %s" % (label, cell))
    for key in HOSTILE_KEYS:
        raw = key["id"]
        if "<" in raw and raw in text:
            failures.append("%s: %r is in the file unescaped" % (label, raw))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tool", required=True)
    parser.add_argument("--screenshot")
    args = parser.parse_args()
    binary = cdp.find_chromium()
    if not binary:
        print("SKIPPED: no chromium on PATH (scripts/install-deps.sh installs it)")
        return 77
    failures = []
    with tempfile.TemporaryDirectory(prefix="review-page-") as directory:
        hostile_fixtures = os.path.join(directory, "hostile.yaml")
        write_fixtures(hostile_fixtures)
        overrides = os.path.join(directory, "overrides.yaml")
        write_overrides(overrides)
        pages = [("sample", os.path.join(SOURCE_DIR, "samples", "fixtures.yaml"), None),
                 ("hostile", hostile_fixtures, overrides)]
        browser = cdp.Browser(binary)
        try:
            for label, fixtures, with_overrides in pages:
                page_path, keys, summary = make_page(args.tool, fixtures, directory, label,
                                                     with_overrides)
                check_page(browser, page_path, keys, summary, failures, label)
                check_without_script(page_path, summary, failures, label)
                if label == "sample" and args.screenshot:
                    browser.call("Emulation.setDeviceMetricsOverride",
                                 {"width": 1280, "height": 1400, "deviceScaleFactor": 1,
                                  "mobile": False}, session=True)
                    browser.open("file://" + page_path)
                    browser.screenshot(args.screenshot)
        finally:
            browser.close()
    for failure in failures:
        print("FAIL " + failure)
    print("review page: %s" % ("FAILED" if failures else "passed (sample and hostile plans)"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
