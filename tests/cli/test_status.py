"""Black-box tests of `tako status` (REFERENCE.md §1.7, §11.2, §11.5, §11.6, Appendix A/B).

The run documents are written into a real store (<home>/tako.db) by the tests themselves,
row by row with Python's sqlite3, in the schema the project defines (src/tako/store/schema.cpp)."""

import contextlib
import copy
import datetime
import fcntl
import json
import os
import pathlib
import re
import socket
import sqlite3

import pytest


# ---- building state documents ---------------------------------------------------------


def iso(dt):
    s = dt.strftime("%Y-%m-%dT%H:%M:%S")
    if dt.microsecond:
        s += ("." + f"{dt.microsecond:06d}").rstrip("0")
    return s + "Z"


def utc(text):
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%f").replace(tzinfo=datetime.timezone.utc)


def step(step_id, status="completed", start=None, end=None, **extra):
    s = {
        "id": step_id, "kind": "run", "uses": None, "status": status, "on_failure_of": None,
        "start_time": start, "end_time": end, "duration_ms": None, "exit_code": None, "error": None,
        "outputs": {}, "cached": False, "long_running": False, "log": f"logs/{step_id}.log",
        "events": [], "fan_out": None,
    }
    s.update(extra)
    return s


def run(run_id, repo, workflow, status, start=None, end=None, duration_ms=None, error=None, steps=None,
        children=None, depth=0, current_step=None, **extra):
    r = {
        "run_id": run_id, "parent_run_id": None, "parent_step": None, "key": None,
        "repository": repo, "path": f"/src/{repo.split('/')[-1]}", "workflow": workflow, "status": status,
        "depth": depth, "isolation": "shared", "workspace": f"/home/u/.tako/workspaces/{run_id}",
        "worktree": None, "inputs": {}, "cli_inputs": {}, "event": None,
        "start_time": start, "end_time": end, "duration_ms": duration_ms, "error": error,
        "current_step": current_step, "waiting_for": None, "steps": steps or [], "children": children or [],
    }
    r.update(extra)
    return r


def document(root, pid=999999, hostname="nowhere.invalid"):
    return {"format_version": 1, "tako_version": "v0.1.0", "updated_at": "2025-07-15T12:00:01.5Z",
            "pid": pid, "hostname": hostname, "root": root}


def schema_sql():
    """The schema's first version, as the project defines it (one source of truth)."""
    src = pathlib.Path(__file__).resolve().parents[2] / "src" / "tako" / "store" / "schema.cpp"
    m = re.search(r'constexpr const char\* kV1 = R"sql\((.*?)\)sql";', src.read_text(), re.S)
    assert m, "schema not found"
    return m.group(1)


def nanos(text):
    """RFC 3339 UTC ("…Z", up to 9 fraction digits) as integer nanoseconds since the epoch."""
    if text is None:
        return None
    m = re.fullmatch(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z", text)
    assert m, text
    base = datetime.datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S").replace(tzinfo=datetime.timezone.utc)
    return int(base.timestamp()) * 10**9 + int((m.group(2) or "0").ljust(9, "0"))


def store(env):
    """A connection to <home>/tako.db, created with the project's schema when missing."""
    os.makedirs(env["TAKO_HOME"], mode=0o700, exist_ok=True)
    path = os.path.join(env["TAKO_HOME"], "tako.db")
    new = not os.path.exists(path)
    c = sqlite3.connect(path)
    if new:
        c.execute("PRAGMA journal_mode = WAL")
        c.executescript(schema_sql())
        c.execute("PRAGMA user_version = 1")
        c.commit()
    return c


def compact(v):
    return json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def insert_run(c, r, root_id, ordinal, owner=None):
    c.execute("INSERT INTO runs VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", (
        r["run_id"], root_id, r["parent_run_id"], r["parent_step"], ordinal, r["key"], r["repository"], r["path"],
        r["workflow"], r["status"], r["depth"], r["isolation"], r["workspace"], r["worktree"], compact(r["inputs"]),
        compact(r["cli_inputs"]), None if r["event"] is None else compact(r["event"]), nanos(r["start_time"]),
        nanos(r["end_time"]), r["duration_ms"], r["error"], r["current_step"], r.get("waiting_for"), 0,
        *(owner or (None, None, None, None))))
    for i, st in enumerate(r["steps"]):
        c.execute("INSERT INTO steps VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", (
            r["run_id"], st["id"], i, st["kind"], st["uses"], st["status"], st["on_failure_of"],
            nanos(st["start_time"]), nanos(st["end_time"]), st["duration_ms"], st["exit_code"], st["error"],
            compact(st["outputs"]), int(st["cached"]), int(st["long_running"]), st["log"], None))
        for j, e in enumerate(st["events"]):
            c.execute("INSERT INTO events VALUES (?,?,?,?,?,?)",
                      (r["run_id"], st["id"], j, e["id"], e["type"], compact(e)))
        if st["fan_out"]:
            f = st["fan_out"]
            c.execute("INSERT INTO fan_outs VALUES (?,?,?,?,?,?,?)", (
                r["run_id"], st["id"], f["fan_out_id"], compact(f["event"]), int(f["wait_for_children"]),
                f["timeout"], compact(f["evaluation_errors"])))
    for i, child in enumerate(r["children"]):
        # The store's tree is parent_run_id: a child given only by nesting gets its parent's id.
        insert_run(c, dict(child, parent_run_id=child["parent_run_id"] or r["run_id"]), root_id, i)


def write_state(env, doc):
    """Records `doc` (a §11.1 run document) in the store, as tako would have."""
    root = doc["root"]
    with contextlib.closing(store(env)) as c, c:
        insert_run(c, root, root["run_id"], 0,
                   owner=(doc["tako_version"], doc["pid"], doc["hostname"], nanos(doc["updated_at"])))


def appendix_a():
    rid = "exec-20250715-120105-9f8e7d6c"
    return document(run(rid, "my-org/greeter", "greet", "failed",
                        start="2025-07-15T12:01:05Z", end="2025-07-15T12:01:05.0305Z", duration_ms=30,
                        error="step 'publish' failed: exit status 1",
                        inputs={"fail": True, "name": "World", "shout": False}, cli_inputs={"fail": "true"},
                        steps=[step("compose", start="2025-07-15T12:01:05.001Z", end="2025-07-15T12:01:05.0092Z",
                                    outputs={"greeting": "Hello, World!"}, exit_code=0),
                               step("shout", "skipped"),
                               step("publish", "failed", start="2025-07-15T12:01:05.010Z",
                                    end="2025-07-15T12:01:05.0211Z", exit_code=1,
                                    error="exit status 1"),
                               step("cleanup", start="2025-07-15T12:01:05.022Z", end="2025-07-15T12:01:05.0284Z",
                                    on_failure_of="publish")]))


def event(source, etype, artifact, payload, schema=""):
    return {"id": "evt-0123456789abcdef", "type": etype, "namespaced_type": f"{source}/{etype}",
            "schema_version": schema, "source": source, "artifact": artifact, "payload": payload,
            "timestamp": "2025-07-15T12:00:00.123456Z"}


def appendix_b():
    root_id, one_id, two_id = ("exec-20250715-120000-1a2b3c4d", "exec-20250715-120000-2b3c4d5e",
                               "exec-20250715-120000-3c4d5e6f")
    built = event("my-org/go-lib", "library_built", "go-lib", {"version": "1.4.0"}, "1.4.0")
    released = event("my-org/app-one", "app_released", "default", {"lib_version": "1.4.0"})
    two = run(two_id, "my-org/app-two", "deploy", "completed", depth=2,
              start="2025-07-15T12:00:00.022Z", end="2025-07-15T12:00:00.0313Z", duration_ms=9,
              parent_run_id=one_id, parent_step="announce", event=released,
              inputs={"lib_version": "1.4.0"},
              steps=[step("deploy", start="2025-07-15T12:00:00.0225Z", end="2025-07-15T12:00:00.0313Z")])
    one = run(one_id, "my-org/app-one", "integration_test", "completed", depth=1,
              start="2025-07-15T12:00:00.012Z", end="2025-07-15T12:00:00.0361Z", duration_ms=24,
              parent_run_id=root_id, parent_step="notify_dependents", event=built,
              inputs={"lib_version": "1.4.0"},
              steps=[step("run_tests"), step("announce", kind="uses", uses="tako/fan-out@v1")],
              children=[two])
    root = run(root_id, "my-org/go-lib", "release", "completed",
               start="2025-07-15T12:00:00Z", end="2025-07-15T12:00:00.0523Z", duration_ms=52,
               inputs={"version": "1.4.0"}, cli_inputs={"version": "1.4.0"},
               steps=[step("build", events=[built]),
                      step("notify_dependents", kind="uses", uses="tako/fan-out@v1",
                           fan_out={"fan_out_id": "fanout-0a1b2c3d4e5f6a7b", "event": built,
                                    "wait_for_children": True, "timeout": "30m", "children": [one_id],
                                    "evaluation_errors": []}),
                      step("finish")],
               children=[one])
    return document(root)


class HeldRunLock:
    """Holds <home>/locks/run-<id>.lock like a live tako process would."""

    def __init__(self, env, run_id):
        d = os.path.join(env["TAKO_HOME"], "locks")
        os.makedirs(d, mode=0o700, exist_ok=True)
        self.f = open(os.path.join(d, f"run-{run_id}.lock"), "w")
        fcntl.flock(self.f, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def release(self):
        self.f.close()


# ---- tree view -----------------------------------------------------------------------


def test_appendix_a_failed_tree(tako, env):
    write_state(env, appendix_a())
    r = tako("status", "exec-20250715-120105-9f8e7d6c")
    assert r.code == 0, r
    assert r.err == ""
    assert r.out == ("exec-20250715-120105-9f8e7d6c (greet) [FAILED]\n"
                     "└── my-org/greeter [FAILED] (31ms) - step 'publish' failed: exit status 1\n")


def test_appendix_b_completed_tree(tako, env):
    write_state(env, appendix_b())
    r = tako("status", "exec-20250715-120000-1a2b3c4d")
    assert r.code == 0, r
    assert r.out == ("exec-20250715-120000-1a2b3c4d (release) [COMPLETED]\n"
                     "└── my-org/go-lib [COMPLETED] (52ms)\n"
                     "    └── my-org/app-one [COMPLETED] (24ms)\n"
                     "        └── my-org/app-two [COMPLETED] (9ms)\n")


def test_tree_json_is_the_exported_document(tako, env):
    doc = appendix_b()
    write_state(env, doc)
    r = tako("status", "exec-20250715-120000-1a2b3c4d", "--json")
    assert r.code == 0, r
    out = json.loads(r.out)
    assert "checksum" not in out
    assert out == doc
    assert r.out == json.dumps(doc, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def running_tree(now):
    rid = "exec-20240726-143022-a7b3c1d2"
    started = iso(now - datetime.timedelta(seconds=300))
    return document(run(
        rid, "my-org/go-lib", "release", "running", start=started, current_step="fan_out_to_dependents",
        steps=[step("build", start=started, end=started),
               step("fan_out_to_dependents", "running", start=iso(now - datetime.timedelta(seconds=250)),
                    kind="uses", uses="tako/fan-out@v1")],
        children=[
            run("exec-20240726-143031-00000001", "my-org/app-one", "test", "running", depth=1,
                start=started, current_step="run_tests",
                steps=[step("run_tests", "running", start=iso(now - datetime.timedelta(seconds=150)))]),
            run("exec-20240726-143031-00000002", "my-org/app-two", "deploy", "pending", depth=1,
                waiting_for="concurrency slot"),
        ]), pid=os.getpid(), hostname=socket.gethostname())


def test_running_tree_with_live_owner(tako, env):
    now = datetime.datetime.now(datetime.timezone.utc)
    doc = running_tree(now)
    write_state(env, doc)
    lock = HeldRunLock(env, doc["root"]["run_id"])
    try:
        r = tako("status", doc["root"]["run_id"])
    finally:
        lock.release()
    assert r.code == 0, r
    lines = r.out.splitlines()
    assert lines[0] == "exec-20240726-143022-a7b3c1d2 (release) [RUNNING]"
    assert re.fullmatch(r"└── my-org/go-lib \[RUNNING\] - step: fan_out_to_dependents \(4m1[01]s\)", lines[1])
    assert re.fullmatch(r"    ├── my-org/app-one \[RUNNING\] - step: run_tests \(2m3[01]s\)", lines[2])
    assert lines[3] == "    └── my-org/app-two [PENDING] - waiting for: concurrency slot"
    assert len(lines) == 4


def test_running_tree_without_lock_is_interrupted(tako, env):
    now = datetime.datetime.now(datetime.timezone.utc)
    doc = running_tree(now)
    write_state(env, doc)  # recorded pid is ours, but nobody holds the run lock
    r = tako("status", doc["root"]["run_id"])
    assert r.code == 0, r
    assert r.out == ("exec-20240726-143022-a7b3c1d2 (release) [INTERRUPTED]\n"
                     "└── my-org/go-lib [INTERRUPTED] - step: fan_out_to_dependents\n"
                     "    ├── my-org/app-one [INTERRUPTED] - step: run_tests\n"
                     "    └── my-org/app-two [PENDING] - waiting for: concurrency slot\n")


def test_running_tree_with_dead_pid_is_interrupted(tako, env):
    now = datetime.datetime.now(datetime.timezone.utc)
    doc = running_tree(now)
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
    doc["pid"] = pid  # gone, on this host, although the lock is held
    write_state(env, doc)
    lock = HeldRunLock(env, doc["root"]["run_id"])
    try:
        r = tako("status", doc["root"]["run_id"])
    finally:
        lock.release()
    assert r.out.splitlines()[0] == "exec-20240726-143022-a7b3c1d2 (release) [INTERRUPTED]"


def test_other_run_line_forms(tako, env):
    long_error = "x" * 250 + "\nsecond line"
    root = run("exec-20250101-000000-0000000a", "o/a", "w", "failed",
               start="2025-01-01T00:00:00Z", end="2025-01-01T00:02:30.4Z", error="fan-out failed\nmore",
               children=[
                   run("exec-20250101-000000-0000000b", "o/b", "w", "timed_out", depth=1,
                       start="2025-01-01T00:00:01Z", end="2025-01-01T00:00:01.0614Z",
                       children=[run("exec-20250101-000000-0000000c", "o/c", "w", "cancelled", depth=2)]),
                   run("exec-20250101-000000-0000000d", "o/d", "w", "failed", depth=1, duration_ms=1500,
                       error=long_error),
                   run("exec-20250101-000000-0000000e", "o/e", "w", "pending", depth=1,
                       waiting_for="lock on o/a"),
               ])
    write_state(env, document(root))
    r = tako("status", "exec-20250101-000000-0000000a")
    assert r.code == 0, r
    assert r.out == ("exec-20250101-000000-0000000a (w) [FAILED]\n"
                     "└── o/a [FAILED] (2m30s) - fan-out failed\n"
                     "    ├── o/b [TIMED_OUT] (61ms) - timed out\n"
                     "    │   └── o/c [CANCELLED] - cancelled\n"
                     "    ├── o/d [FAILED] (2s) - " + "x" * 199 + "…\n"
                     "    └── o/e [PENDING] - waiting for: lock on o/a\n")


# ---- errors and integrity ------------------------------------------------------------------


@pytest.mark.parametrize("run_id", ["exec-20990101-000000-deadbeef", "nonsense", "../../etc/passwd"])
def test_unknown_id(tako, env, run_id):
    write_state(env, appendix_a())
    r = tako("status", run_id)
    assert r.code == 1
    assert r.out == ""
    assert r.err == f"Error: run '{run_id}' not found\n"


@pytest.mark.parametrize("table,column,value,what", [
    ("runs", "status", "exploded", "status of run exec-20250715-120105-9f8e7d6c"),
    ("runs", "inputs", "{not json", "inputs of run exec-20250715-120105-9f8e7d6c"),
    ("steps", "outputs", '{"x": 1}', "outputs of step exec-20250715-120105-9f8e7d6c/compose"),
    ("steps", "kind", "teleport", "kind of step exec-20250715-120105-9f8e7d6c/compose"),
])
def test_invalid_recorded_value_is_unreadable(tako, env, table, column, value, what):
    """A row changed behind tako's back to a value tako never writes: the store is unreadable for
    that run, with its path and the value named; never a crash."""
    write_state(env, appendix_a())
    with contextlib.closing(store(env)) as c, c:
        where = "run_id = ?" if table == "runs" else "run_id = ? AND step_id = 'compose'"
        c.execute(f"UPDATE {table} SET {column} = ? WHERE {where}", (value, "exec-20250715-120105-9f8e7d6c"))
    path = os.path.join(env["TAKO_HOME"], "tako.db")
    for args in (["exec-20250715-120105-9f8e7d6c"], ["exec-20250715-120105-9f8e7d6c", "--json"]):
        r = tako("status", *args)
        assert r.code == 1, r
        assert r.err == f"Error: state store {path} is unreadable: invalid {what}\n", r


# ---- list ----------------------------------------------------------------------------------


def list_fixture(env):
    write_state(env, appendix_a())
    write_state(env, appendix_b())
    interrupted = document(run("exec-20250716-090000-00000001", "my-org/greeter", "greet", "running",
                               start="2025-07-16T09:00:00.5Z", current_step="compose"),
                           pid=os.getpid(), hostname=socket.gethostname())
    write_state(env, interrupted)
    cancelled = document(run("exec-20250714-080000-00000002", "o/x", "w", "cancelled",
                             start="2025-07-14T08:00:00Z", end="2025-07-14T08:00:01Z", duration_ms=1000))
    write_state(env, cancelled)


def test_list_no_runs(tako, env):
    r = tako("status")
    assert (r.code, r.out, r.err) == (0, "No runs found.\n", "")
    assert not os.path.exists(os.path.join(env["TAKO_HOME"], "tako.db"))  # readers never create the store
    store(env).close()  # an empty store
    r = tako("status")
    assert (r.code, r.out, r.err) == (0, "No runs found.\n", "")
    r = tako("status", "--json")
    assert (r.code, json.loads(r.out)) == (0, [])


def test_list_table(tako, env):
    list_fixture(env)
    r = tako("status")
    assert r.code == 0, r
    assert r.err == ""
    assert r.out == (
        "RUN ID                         WORKFLOW  REPOSITORY      STATUS       STARTED               DURATION\n"
        "exec-20250716-090000-00000001  greet     my-org/greeter  interrupted  2025-07-16T09:00:00Z\n"
        "exec-20250715-120105-9f8e7d6c  greet     my-org/greeter  failed       2025-07-15T12:01:05Z  31ms\n"
        "exec-20250715-120000-1a2b3c4d  release   my-org/go-lib   completed    2025-07-15T12:00:00Z  52ms\n"
        "exec-20250714-080000-00000002  w         o/x             cancelled    2025-07-14T08:00:00Z  1s\n")


def test_list_running_with_live_owner(tako, env):
    now = datetime.datetime.now(datetime.timezone.utc)
    doc = running_tree(now)
    write_state(env, doc)
    lock = HeldRunLock(env, doc["root"]["run_id"])
    try:
        r = tako("status")
    finally:
        lock.release()
    assert r.code == 0, r
    row = r.out.splitlines()[1]
    assert re.fullmatch(r"exec-20240726-143022-a7b3c1d2  release   my-org/go-lib  running  "
                        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", row), row


def test_list_limit_and_all(tako, env):
    list_fixture(env)
    r = tako("status", "--limit", "2")
    assert [l.split()[0] for l in r.out.splitlines()] == [
        "RUN", "exec-20250716-090000-00000001", "exec-20250715-120105-9f8e7d6c"]
    r = tako("status", "--limit=1", "--json")
    assert [x["run_id"] for x in json.loads(r.out)] == ["exec-20250716-090000-00000001"]
    r = tako("status", "--all", "--limit", "1")
    assert len(r.out.splitlines()) == 5


def test_list_default_limit_is_20(tako, env):
    for i in range(25):
        rid = f"exec-20250101-0000{i:02d}-{i:08x}"
        write_state(env, document(run(rid, "o/r", "w", "completed", start=f"2025-01-01T00:00:{i:02d}Z",
                                      end=f"2025-01-01T00:00:{i:02d}.5Z", duration_ms=500)))
    r = tako("status")
    lines = r.out.splitlines()
    assert len(lines) == 21
    assert lines[1].startswith("exec-20250101-000024-00000018  ")
    assert lines[1].endswith("  500ms")
    r = tako("status", "--all")
    assert len(r.out.splitlines()) == 26


@pytest.mark.parametrize("value", ["0", "-1", "abc", "1.5", ""])
def test_list_invalid_limit(tako, env, value):
    r = tako("status", "--limit", value)
    assert r.code == 1
    assert r.out == ""
    assert r.err == (f'Error: invalid argument "{value}" for "--limit" flag: must be a positive integer\n'
                     "Run 'tako status --help' for usage.\n")


def test_list_json(tako, env):
    list_fixture(env)
    r = tako("status", "--json")
    assert r.code == 0, r
    rows = json.loads(r.out)
    assert rows[0] == {"run_id": "exec-20250716-090000-00000001", "workflow": "greet",
                       "repository": "my-org/greeter", "status": "interrupted",
                       "start_time": "2025-07-16T09:00:00.5Z", "end_time": None, "duration_ms": None}
    assert rows[2] == {"run_id": "exec-20250715-120000-1a2b3c4d", "workflow": "release",
                       "repository": "my-org/go-lib", "status": "completed",
                       "start_time": "2025-07-15T12:00:00Z", "end_time": "2025-07-15T12:00:00.0523Z",
                       "duration_ms": 52}
    assert [x["status"] for x in rows] == ["interrupted", "failed", "completed", "cancelled"]


def test_list_with_an_invalid_root_row_is_unreadable(tako, env):
    write_state(env, appendix_a())
    write_state(env, appendix_b())
    with contextlib.closing(store(env)) as c, c:
        c.execute("UPDATE runs SET status = 'exploded' WHERE run_id = 'exec-20250715-120000-1a2b3c4d'")
    r = tako("status")
    path = os.path.join(env["TAKO_HOME"], "tako.db")
    assert r.code == 1 and r.out == "", r
    assert r.err.startswith(f"Error: state store {path} is unreadable: invalid "), r


def test_too_many_args(tako, env):
    r = tako("status", "a", "b")
    assert r.code == 1
    assert "accepts at most 1 arg(s), received 2" in r.err or "accepts" in r.err
