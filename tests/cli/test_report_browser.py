"""`tako report` rendered by a real browser (issue 17 acceptance): headless Chromium from Debian loads the page
offline (name resolution mapped to nothing, a dead proxy), lays out the Gantt timeline, and the page's own script
works. A probe script appended by the test reads the DOM after layout and writes what it saw into the page, which
`--dump-dom` prints."""
import json
import re
import shutil
import subprocess

from test_trace_report import HOSTILE, tree  # noqa: F401  (the fixture: a 3-child fan-out with a hostile payload)
from test_fanout_util import all_runs

PROBE = """<script>
(function () {
  var bars = Array.prototype.slice.call(document.querySelectorAll('div.bar.step'));
  var seen = {
    scripts: document.scripts.length,
    bars: bars.map(function (b) {
      var r = b.getBoundingClientRect();
      return {run: b.dataset.run, step: b.dataset.step, cls: b.className, width: r.width, height: r.height};
    }),
    track: document.querySelector('.row.step .track').getBoundingClientRect().width
  };
  // The page's own script: a click on a bar highlights every row of its run, and only those.
  var target = bars[bars.length - 1];
  target.dispatchEvent(new MouseEvent('click', {bubbles: true}));
  seen.clicked = target.dataset.run;
  seen.highlighted = Array.prototype.slice.call(document.querySelectorAll('.row.hl')).map(function (r) {
    return r.dataset.run;
  });
  var out = document.createElement('pre');
  out.id = 'probe';
  out.textContent = JSON.stringify(seen);
  document.body.appendChild(out);
})();
</script>
"""


def chromium():
    exe = shutil.which("chromium")
    assert exe, "chromium is not installed: run scripts/install-deps.sh (it installs Debian's chromium)"
    return exe


def render(page, tmp_path):
    probe = tmp_path / "probe.html"
    probe.write_text(page.replace("</body>", PROBE + "</body>"))
    r = subprocess.run(
        [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--window-size=1400,1000",
         f"--user-data-dir={tmp_path / 'profile'}", "--host-resolver-rules=MAP * ~NOTFOUND",
         "--proxy-server=127.0.0.1:9", "--dump-dom", probe.as_uri()],
        capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    m = re.search(r'<pre id="probe">(.*?)</pre>', r.stdout, re.S)
    assert m, ("the probe did not run", r.stdout[-2000:])
    text = m.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")
    return json.loads(text)


def test_report_renders_offline_in_chromium_with_a_bar_per_step(tako, tree, tmp_path):  # noqa: F811
    rid, doc = tree
    out = tmp_path / "report.html"
    assert tako("report", rid, "-o", out).code == 0
    seen = render(out.read_text(), tmp_path)

    # The page's two scripts and the probe: the hostile payload added none.
    assert seen["scripts"] == 3, seen["scripts"]
    # One laid-out bar per step of the run, inside the timeline's track.
    runs = list(all_runs(doc["root"]))
    expected = {(r["run_id"], s["id"]): s["status"] for r in runs for s in r["steps"]}
    got = {(b["run"], b["step"]): b for b in seen["bars"]}
    assert len(seen["bars"]) == len(expected) == 7
    assert set(got) == set(expected)
    assert seen["track"] > 100
    for key, status in expected.items():
        bar = got[key]
        assert f"s-{status}" in bar["cls"], bar
        assert bar["height"] > 0 and 0 <= bar["width"] <= seen["track"], bar
    # The click handler ran in the browser.
    assert seen["highlighted"] and set(seen["highlighted"]) == {seen["clicked"]}, seen
    assert HOSTILE not in out.read_text()
