"""Orientation on a phone (issue 11): the widget and the search results in Chromium.

The population of the maps benchmark (``bench_maps.generate``): a CPTS of 5 000 members and one
of 500 over a ~20 × 14 km territory around Paris. Chromium (Debian's) emulates a phone
(390 × 844, touch, DPR 3) with its CPU throttled 4× (DevTools ``Emulation.setCPUThrottlingRate``);
nothing is cached between runs (a new context per run). The server runs in its own process
(``run.ProcessServer``), as a deployed one does, not in a thread of the process driving Chromium.

* **usable**: from the start of the navigation until the first result of the list is rendered
  and the map is interactive (Leaflet has drawn its markers or clusters and the main thread
  answers: the check runs on it). Target ≤ 2 s for the widget of the 5 000-member CPTS and for
  a search results page (``/recherche`` around a position, nearest professionals).

  The check is the page's own, at each frame: a few lines installed before the page's scripts
  (``add_init_script``) test the condition in ``requestAnimationFrame`` callbacks, when the
  browser lays the page out for the frame anyway, and keep the time; Playwright reads it once
  the page has loaded. Until December 2026 Playwright polled the condition every 20 ms from
  the start of the navigation: on the throttled phone its injected script (≈ 120 ms) and the
  layouts its timer forced in the middle of parsing (≈ 100 ms) ran on the page's main thread,
  a cost no visitor's browser pays. That figure is still taken, in the same interleaved runs,
  as "polled every 20 ms" (no target), so the two can be compared.
* the widget of the **500-member CPTS, as a baseline** in the same interleaved runs: the
  page's cost on this machine at this moment, beside what 5 000 members add.
* the same widget **after a write** (the page cache, ``mapper.http.pagecache``, misses: the
  server builds the page again): what the first visitor after a change waits. No target of its
  own; reported so that the cached figure is not the only one.
* **transferred bytes** of the widget of the 500-member CPTS: everything the page loads, as
  encoded on the wire (``Network.loadingFinished.encodedDataLength``). Target ≤ 400 KB.
"""
from __future__ import annotations

import json
import os
import statistics
import time

from sqlalchemy import text

from mapper.db import Database
from tests.benchmarks.bench_maps import generate
from tests.benchmarks.run import ProcessServer

CHROMIUM = os.environ.get("MAPPER_CHROMIUM", "/usr/bin/chromium")
#: The same widget for 500 members, measured in the same runs: what the page costs this
#: machine at this moment whatever the size of the CPTS (its speed varies by a third from
#: hour to hour), beside what 5 000 members add.
BASELINE = "widget, 500 members (baseline, no target)"
RUNS = 5
PHONE = dict(viewport={"width": 390, "height": 844}, device_scale_factor=3, is_mobile=True,
             has_touch=True, locale="fr-FR",
             user_agent="Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, "
                        "like Gecko) Chrome/131.0 Mobile Safari/537.36")
#: The first result of a list, on the search page and in the widget.
FIRST_RESULT = "[data-result]"
#: Performance.now() (ms since the navigation started) once the first result is rendered and
#: Leaflet has drawn markers or clusters; null until then.
USABLE_JS = """(selector) => {
  const first = document.querySelector(selector);
  const drawn = document.querySelector('.leaflet-marker-icon, .marker-cluster');
  return first && first.getBoundingClientRect().height > 0 && drawn ? performance.now() : null;
}"""


#: The same condition checked by the page itself at each frame (installed before its scripts):
#: the time is kept in ``window.__cptsUsable``.
RECORD_USABLE_JS = """(() => {
  const usable = %s;
  const selector = %s;
  function check() {
    const at = usable(selector);
    if (at !== null) { window.__cptsUsable = at; return; }
    requestAnimationFrame(check);
  }
  requestAnimationFrame(check);
})();""" % (USABLE_JS, json.dumps(FIRST_RESULT))
#: Ways of taking "usable": checked by the page at each frame (the figure with a target), or
#: polled by Playwright every 20 ms from the navigation's start (the method used until December
#: 2026, for comparison).
AT_EACH_FRAME, POLLED = "frame", "polled"


def _usable_ms(browser, url: str, method: str = AT_EACH_FRAME) -> float:
    context = browser.new_context(**PHONE)
    try:
        if method == AT_EACH_FRAME:
            context.add_init_script(RECORD_USABLE_JS)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        cdp = context.new_cdp_session(page)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
        page.goto(url, wait_until="commit")
        if method == AT_EACH_FRAME:
            page.wait_for_load_state("load", timeout=60_000)
            handle = page.wait_for_function("() => window.__cptsUsable", timeout=60_000,
                                            polling=100)
        else:
            handle = page.wait_for_function(USABLE_JS, arg=FIRST_RESULT, timeout=60_000,
                                            polling=20)
        value = handle.json_value()
        assert not errors, errors
        return float(value)
    finally:
        context.close()


def _transferred_bytes(browser, url: str) -> tuple[int, int]:
    context = browser.new_context(**PHONE)
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        sizes: dict[str, int] = {}
        cdp.on("Network.loadingFinished",
               lambda e: sizes.__setitem__(e["requestId"], int(e["encodedDataLength"])))
        cdp.send("Network.enable")
        page.goto(url, wait_until="networkidle")
        page.wait_for_selector(FIRST_RESULT, state="attached", timeout=60_000)
        return sum(sizes.values()), len(sizes)
    finally:
        context.close()


def _after_a_write(db: Database, slug: str) -> None:
    """A write the widget reads (a no-op update of its CPTS): a new data version."""
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE cpts SET name = name WHERE slug = :slug"), {"slug": slug})


def bench_browser(report, server: ProcessServer, db: Database) -> None:
    from playwright.sync_api import sync_playwright

    pages = {
        "widget, 5 000 members": f"{server.url}/embed/cpts/bench-5k",
        "search results around a position": f"{server.url}/recherche?lat=48.8330&lon=2.3260",
        BASELINE: f"{server.url}/embed/cpts/bench-500",
    }
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM,
                                    args=["--no-sandbox", "--disable-gpu",
                                          "--disable-dev-shm-usage"])
        try:
            for url in pages.values():
                _usable_ms(browser, url)  # warm the server's caches
            samples: dict[tuple[str, str], list[float]] = {
                (name, method): [] for name in pages for method in (AT_EACH_FRAME, POLLED)}
            for _ in range(RUNS):  # interleaved: a slow moment of the machine falls on each
                for name, method in samples:
                    samples[name, method].append(_usable_ms(browser, pages[name], method))
            for (name, method), ms in samples.items():
                if method == POLLED:
                    report.record(f"phone, CPU ×4: {name}: usable, polled every 20 ms "
                                  f"(previous method), median of {RUNS}",
                                  statistics.median(ms), "ms")
                    continue
                report.record(f"phone, CPU ×4: {name}: usable, median of {RUNS}",
                              statistics.median(ms), "ms")
                report.record(f"phone, CPU ×4: {name}: usable, worst of {RUNS}", max(ms),
                              "ms", None if name == BASELINE else 2000)
            cold = []
            for _ in range(3):
                _after_a_write(db, "bench-5k")
                cold.append(_usable_ms(browser, pages["widget, 5 000 members"]))
            report.record("phone, CPU ×4: widget, 5 000 members, first visit after a write: "
                          "usable, median of 3", statistics.median(cold), "ms")
            total, requests = _transferred_bytes(browser, f"{server.url}/embed/cpts/bench-500")
            report.record("widget, 500 members: transferred (encoded) bytes", total / 1000, "KB",
                          400)
            report.note(f"widget of 500 members: {requests} requests")
        finally:
            browser.close()


def run(report) -> None:
    url = report.new_database()
    db = Database(url, 600_000)
    t0 = time.perf_counter()
    generate(db, {"bench-5k": 5_000, "bench-500": 500})
    report.note(f"5 000 professionals generated in {time.perf_counter() - t0:.1f} s")
    server = ProcessServer(url)  # not sharing this process's interpreter lock with Playwright
    try:
        bench_browser(report, server, db)
    finally:
        server.close()
        db.engine.dispose()
