"""`tako status <run-id> --trace FILE` and `tako report <run-id> [-o FILE]` on a real fan-out tree
(issue 17 item 3; docs/REPORT.md)."""
import html.parser
import json
import re

import pytest

from test_fanout_util import all_runs, emitter, run_id_of, state_of, subscriber

HOSTILE = "</script><script>alert(1)</script>"
STEPS = '      - run: echo one\n      - id: second\n        run: echo two\n'


@pytest.fixture
def tree(tako, ws, env):
    """o/src fans out `ping` (with a hostile payload) to o/a, o/b, o/c, one child at a time, so
    that two of them queue for the concurrency slot."""
    src = ws.repo("src", emitter("src", payload=f'{{note: "{HOSTILE}", version: "1.2.3"}}'))
    for name in ("a", "b", "c"):
        ws.repo(name, subscriber(name, "o/src", STEPS))
    r = tako("exec", "go", "--local", "--max-concurrent-repos", "1", cwd=src, timeout=120)
    assert r.code == 0, r
    rid = run_id_of(r.out)
    return rid, state_of(env, rid)


def slices(trace, cat_prefix):
    return [e for e in trace["traceEvents"] if e["ph"] == "X" and e["cat"].startswith(cat_prefix)]


def end(e):
    return e["ts"] + e["dur"]


def test_trace_is_valid_trace_event_json(tako, tree, tmp_path):
    rid, doc = tree
    out = tmp_path / "trace.json"
    r = tako("status", rid, "--trace", out)
    assert r.code == 0, r
    assert r.out == f"Trace written to {out}\n"
    trace = json.loads(out.read_text())
    assert trace["displayTimeUnit"] == "ms"
    assert trace["otherData"]["run_id"] == rid
    for e in trace["traceEvents"]:
        assert e["ph"] in ("X", "M"), e
        for k in ("ph", "ts", "pid", "tid", "name"):
            assert k in e, (k, e)
        if e["ph"] == "X":
            assert isinstance(e["ts"], int) and isinstance(e["dur"], int) and e["dur"] >= 0, e
    thread_names = {e["tid"]: e["args"]["name"] for e in trace["traceEvents"]
                    if e["ph"] == "M" and e["name"] == "thread_name"}
    assert thread_names[1] == "slot 1"
    assert any(n.startswith("waits ") for n in thread_names.values())


def test_every_run_and_step_has_a_slice_nested_on_its_slot(tako, tree, tmp_path):
    rid, doc = tree
    out = tmp_path / "trace.json"
    assert tako("status", rid, "--trace", out).code == 0
    trace = json.loads(out.read_text())
    runs = {e["args"]["run_id"]: e for e in slices(trace, "run")}
    steps = {(e["args"]["run_id"], e["args"]["step"]): e for e in slices(trace, "step")}
    recorded = list(all_runs(doc["root"]))
    assert len(recorded) == 4
    assert set(runs) == {r["run_id"] for r in recorded}
    assert set(steps) == {(r["run_id"], s["id"]) for r in recorded for s in r["steps"]}
    for r in recorded:
        run = runs[r["run_id"]]
        assert run["name"] == f'{r["repository"]}:{r["workflow"]}'
        assert run["args"]["status"] == r["status"] == "completed"
        assert run["args"]["repository"] == r["repository"]
        assert run["args"]["workflow"] == r["workflow"]
        prev = run["ts"]
        for s in r["steps"]:
            step = steps[(r["run_id"], s["id"])]
            assert step["tid"] == run["tid"], (step, run)
            assert run["ts"] <= step["ts"] and end(step) <= end(run), (step, run)
            assert step["ts"] >= prev, "steps of one run follow each other"
            prev = end(step)
            assert step["args"]["status"] == s["status"]
            if s["exit_code"] is not None:
                assert step["args"]["exit_code"] == s["exit_code"]
    fan = steps[(rid, "fan")]
    assert fan["args"]["event_type"] == "ping"
    assert fan["args"]["payload"]["note"] == HOSTILE
    # Runs on one slot track never overlap.
    by_tid = {}
    for e in runs.values():
        by_tid.setdefault(e["tid"], []).append(e)
    for tid, es in by_tid.items():
        es.sort(key=lambda e: (e["ts"], e["dur"]))
        for a, b in zip(es, es[1:]):
            assert end(a) <= b["ts"], (tid, a, b)
    # One child at a time: the root holds one track, the three children share one other.
    children = [runs[c["run_id"]] for c in doc["root"]["children"]]
    assert len({c["tid"] for c in children}) == 1
    assert runs[rid]["tid"] not in {c["tid"] for c in children}


def test_queued_children_have_wait_slices(tako, tree, tmp_path):
    rid, doc = tree
    out = tmp_path / "trace.json"
    assert tako("status", rid, "--trace", out).code == 0
    trace = json.loads(out.read_text())
    runs = {e["args"]["run_id"]: e for e in slices(trace, "run")}
    slot_tids = {e["tid"] for e in runs.values()}
    waits = slices(trace, "wait.queue")
    # The children that ran second and third waited for the first to end.
    children = sorted(doc["root"]["children"], key=lambda c: c["start_time"])
    waited = {w["args"]["run_id"] for w in waits if w["dur"] > 0}
    assert {children[1]["run_id"], children[2]["run_id"]} <= waited, waits
    first_end = end(runs[children[0]["run_id"]])
    for w in waits:
        assert w["name"] == "wait: concurrency slot"
        assert w["tid"] not in slot_tids, "waits are drawn on their own tracks"
        assert end(w) <= runs[w["args"]["run_id"]]["ts"], "a wait ends when its run starts"
        if w["args"]["run_id"] == children[2]["run_id"]:
            assert end(w) >= first_end
    by_tid = {}
    for w in slices(trace, "wait."):
        by_tid.setdefault(w["tid"], []).append(w)
    for es in by_tid.values():
        es.sort(key=lambda e: e["ts"])
        for a, b in zip(es, es[1:]):
            assert end(a) <= b["ts"]


class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []
        self.scripts = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = True
            self.scripts.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data


def test_report_is_one_self_contained_page(tako, tree, tmp_path):
    rid, doc = tree
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    r = tako("report", rid, "-o", out_dir / "run.html")
    assert r.code == 0, r
    assert r.out == f"Report written to {out_dir / 'run.html'}\n"
    assert [p.name for p in out_dir.iterdir()] == ["run.html"]
    page = (out_dir / "run.html").read_text()
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"https?://", page)
    parser = Page()
    parser.feed(page)
    for tag, attrs in parser.tags:
        assert tag not in ("link", "img", "iframe", "object", "embed"), tag
        for a in ("src", "href"):
            if a in attrs:
                assert attrs[a].startswith("#"), (tag, attrs)
    # Every repository, every step's status, the fan-out event.
    runs = list(all_runs(doc["root"]))
    for run in runs:
        assert run["repository"] in page
        assert f'id="run-{run["run_id"]}"' in page
    step_bars = [a for t, a in parser.tags if t == "div" and "bar step" in a.get("class", "")]
    assert len(step_bars) == sum(len(run["steps"]) for run in runs) == 7
    for run in runs:
        for s in run["steps"]:
            assert any(b["data-run"] == run["run_id"] and b["data-step"] == s["id"]
                       and f's-{s["status"]}' in b["class"] for b in step_bars), s
    assert '<dd class="mono event-type">ping</dd>' in page
    wait_bars = [a for t, a in parser.tags if t == "div" and "bar wait" in a.get("class", "")]
    assert len(wait_bars) >= 2
    # The hostile payload is text, not markup: the page's own two scripts only.
    assert HOSTILE not in page
    assert len(parser.scripts) == 2
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page
    data = json.loads(parser.scripts[0])
    assert data["fan_outs"][0]["payload"]["note"] == HOSTILE
    assert data["root_run_id"] == rid


def test_report_default_file_and_stdout(tako, tree, tmp_path):
    rid, _ = tree
    cwd = tmp_path / "here"
    cwd.mkdir()
    r = tako("report", rid, cwd=cwd)
    assert r.code == 0, r
    assert r.out == f"Report written to tako-report-{rid}.html\n"
    assert (cwd / f"tako-report-{rid}.html").read_text().startswith("<!DOCTYPE html>")
    r = tako("report", rid, "-o", "-", cwd=cwd)
    assert r.code == 0, r
    assert r.out.startswith("<!DOCTYPE html>") and r.out.endswith("</html>\n")
    r = tako("status", rid, "--trace", "-")
    assert r.code == 0, r
    assert json.loads(r.out)["otherData"]["run_id"] == rid


def test_failed_child_in_trace_and_report(tako, ws, env, tmp_path):
    src = ws.repo("src", emitter("src"))
    ws.repo("ok", subscriber("ok", "o/src", "      - run: echo fine\n"))
    ws.repo("bad", subscriber("bad", "o/src", "      - id: boom\n        run: echo oops; exit 3\n"))
    r = tako("exec", "go", "--local", cwd=src, timeout=120)
    assert r.code == 1, r
    rid = re.search(r"exec-\d{8}-\d{6}-[0-9a-f]{8}", r.out + r.err).group(0)
    out = tmp_path / "t.json"
    assert tako("status", rid, "--trace", out).code == 0
    trace = json.loads(out.read_text())
    boom = [e for e in slices(trace, "step") if e["name"] == "boom"]
    assert len(boom) == 1 and boom[0]["args"]["status"] == "failed" and boom[0]["args"]["exit_code"] == 3
    bad = [e for e in slices(trace, "run") if e["args"]["repository"] == "o/bad"]
    assert bad[0]["args"]["status"] == "failed" and bad[0]["args"]["error"]
    page_path = tmp_path / "r.html"
    assert tako("report", rid, "-o", page_path).code == 0
    page = page_path.read_text()
    assert '<span class="status s-failed">failed</span>' in page
    assert "exit 3" in page
    assert html.escape(bad[0]["args"]["error"], quote=True).replace("&#x27;", "&#39;") in page


def test_errors(tako, tree, tmp_path):
    rid, _ = tree
    r = tako("report", "exec-20250101-000000-deadbeef", "-o", tmp_path / "x.html")
    assert r.code == 1 and r.err == "Error: run 'exec-20250101-000000-deadbeef' not found\n", r
    assert not (tmp_path / "x.html").exists()
    r = tako("status", "exec-20250101-000000-deadbeef", "--trace", tmp_path / "x.json")
    assert r.code == 1 and r.err == "Error: run 'exec-20250101-000000-deadbeef' not found\n", r
    bad = tmp_path / "missing" / "x.html"
    r = tako("report", rid, "-o", bad)
    assert r.code == 1 and r.err == f"Error: could not write {bad}: no such file or directory\n", r
    r = tako("status", rid, "--trace", tmp_path)  # a directory
    assert r.code == 1 and r.err == f"Error: could not write {tmp_path}: is a directory\n", r
    assert list(tmp_path.glob("*.tmp.*")) == []
    r = tako("status", "--trace", tmp_path / "t.json")
    assert r.code == 1 and "--trace needs a run id" in r.err, r
    r = tako("report")
    assert r.code == 1, r


def test_no_store_yet(tako, tmp_path):
    r = tako("report", "exec-20250101-000000-deadbeef", "-o", tmp_path / "x.html")
    assert r.code == 1 and r.err == "Error: run 'exec-20250101-000000-deadbeef' not found\n", r


def test_lock_wait_is_its_own_slice(tako, ws, env, tmp_path):
    """A child whose checkout another tako holds waits for its lock: a `wait.lock` slice in the
    trace and a lock-shaded bar in the report, ending when the child starts."""
    from test_exec_util import kill_if_running, spawn, wait_for
    from test_fanout_concurrency import lock_holder_workspace
    log = tmp_path / "order.log"
    src = lock_holder_workspace(ws, tmp_path, log)
    holder = spawn(env, "exec", "hold", cwd=ws.src / "a", out=tmp_path / "h.out", err=tmp_path / "h.err")
    fan = None
    try:
        wait_for(lambda: (tmp_path / "held").exists(), what="holder's lock")
        fan = spawn(env, "exec", "go", "--local", "--max-concurrent-repos", "1", cwd=src,
                    out=tmp_path / "f.out", err=tmp_path / "f.err")
        wait_for(lambda: "waiting for lock on o/a" in (tmp_path / "f.err").read_text(), what="a's lock wait")
        (tmp_path / "release").write_text("")
        assert holder.wait(timeout=60) == 0
        assert fan.wait(timeout=60) == 0, (tmp_path / "f.err").read_text()
    finally:
        kill_if_running(holder, fan)
    rid = run_id_of((tmp_path / "f.out").read_text())
    out = tmp_path / "trace.json"
    assert tako("status", rid, "--trace", out).code == 0
    trace = json.loads(out.read_text())
    a = [e for e in slices(trace, "run") if e["args"]["repository"] == "o/a"][0]
    locks = slices(trace, "wait.lock")
    assert [w["name"] for w in locks] == ["wait: lock on o/a"], locks
    assert locks[0]["args"]["run_id"] == a["args"]["run_id"]
    assert locks[0]["dur"] > 0 and end(locks[0]) <= a["ts"]
    page = tmp_path / "r.html"
    assert tako("report", rid, "-o", page).code == 0
    parser = Page()
    parser.feed(page.read_text())
    lock_bars = [at for t, at in parser.tags if t == "div" and "wait-lock" in at.get("class", "")]
    assert [b["data-run"] for b in lock_bars] == [a["args"]["run_id"]]
    assert "lock on o/a" in lock_bars[0]["title"]
