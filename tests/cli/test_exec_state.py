"""The state store (REFERENCE.md §11.1–11.3), `tako status` (§1.7, §11.6), workspaces and `tako workspace clean`
(§1.9, §2)."""
import json
import os
import pathlib
import re
import stat

import pytest

from conftest import TAKO_BIN
from test_exec_util import (RUN_ID, STATE_BLOCKED, STATE_WRITE_BLOCKER, home, load_state, nanos, run_id_of, sql,
                            steps_of, store_path, yml)

TWO = yml("""\
  w:
    inputs:
      x: {type: string, default: d}
      n: {type: number, default: 2}
    steps:
      - id: a
        run: echo "A {{ .inputs.x }}"
        produces: {outputs: {v: from_stdout}}
      - id: b
        if: inputs.x == "fail"
        run: exit 1
      - id: c
        run: test "{{ .inputs.x }}" != "boom"
""")

RUN_KEYS = {"run_id", "parent_run_id", "parent_step", "key", "repository", "path", "workflow", "status", "depth",
            "isolation", "workspace", "worktree", "inputs", "cli_inputs", "event", "start_time", "end_time",
            "duration_ms", "error", "current_step", "steps", "children"}
STEP_KEYS = {"id", "kind", "uses", "status", "on_failure_of", "start_time", "end_time", "duration_ms", "exit_code",
             "error", "outputs", "cached", "long_running", "log", "events", "fan_out"}
TIME = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z"


@pytest.fixture
def app(ws):
    return ws.repo("app", TWO)


def assert_sorted_keys(text):
    def hook(pairs):
        keys = [k for k, _ in pairs]
        assert keys == sorted(keys), keys
        return dict(pairs)
    json.loads(text, object_pairs_hook=hook)


def test_state_document(tako, app, env):
    r = tako("exec", "w", "--inputs.x=hello", cwd=app)
    assert r.code == 0, r
    run_id = run_id_of(r.out)
    p = store_path(env)
    assert stat.S_IMODE(p.stat().st_mode) == 0o600
    assert sql(env, "PRAGMA journal_mode") == [("wal",)]
    assert not (home(env) / "state").exists()  # no JSON state files any more
    text = tako("status", run_id, "--json").out
    assert_sorted_keys(text)
    assert text.startswith('{\n  "format_version": 1,\n')  # 2-space indentation, sorted keys
    doc = json.loads(text)
    assert "checksum" not in doc
    assert doc["format_version"] == 1
    assert re.fullmatch(r"v\d+\.\d+\.\d+(-\S+)?", doc["tako_version"])
    assert doc["pid"] > 0 and doc["hostname"]
    assert re.fullmatch(TIME, doc["updated_at"])
    root = doc["root"]
    # `waiting_for` (reason of a pending run, §11.6) is the engine's one extra member.
    assert set(root) - {"waiting_for"} == RUN_KEYS
    assert root["run_id"] == run_id and root["parent_run_id"] is None and root["key"] is None
    assert root["repository"] == "o/app" and root["path"] == str(app) and root["workflow"] == "w"
    assert root["status"] == "completed" and root["depth"] == 0 and root["isolation"] == "shared"
    assert root["workspace"] == str(home(env) / "workspaces" / run_id) and root["worktree"] is None
    assert root["inputs"] == {"x": "hello", "n": 2} and root["cli_inputs"] == {"x": "hello"}
    assert root["error"] is None and root["event"] is None and root["children"] == []
    assert re.fullmatch(TIME, root["start_time"]) and re.fullmatch(TIME, root["end_time"])
    assert isinstance(root["duration_ms"], int)
    assert [s["id"] for s in root["steps"]] == ["a", "b", "c"]
    for s in root["steps"]:
        assert set(s) == STEP_KEYS, s
    a, b, c = root["steps"]
    assert a["kind"] == "run" and a["status"] == "completed" and a["exit_code"] == 0
    assert a["outputs"] == {"v": "A hello"} and a["log"] == "logs/a.log" and a["cached"] is False
    assert b["status"] == "skipped" and b["exit_code"] is None
    assert c["status"] == "completed" and c["on_failure_of"] is None and c["fan_out"] is None
    # Every change is one history row, in commit order (§11.1).
    kinds = [(k, st) for k, st in sql(env, "SELECT kind, COALESCE(step_id, '') FROM history WHERE run_id = ? "
                                            "ORDER BY seq", run_id)]
    assert kinds == [("run_created", ""), ("run_started", ""), ("step_started", "a"), ("step_finished", "a"),
                     ("step_started", "b"), ("step_finished", "b"), ("step_started", "c"), ("step_finished", "c"),
                     ("run_finished", "")], kinds


def test_failed_state(tako, app, env):
    r = tako("exec", "w", "--inputs.x=boom", cwd=app)
    assert r.code == 1
    doc = load_state(env, run_id_of(r.out))
    assert doc["root"]["status"] == "failed"
    assert doc["root"]["error"] == "step 'c' failed: exit status 1"
    c = steps_of(doc)["c"]
    assert c["status"] == "failed" and c["exit_code"] == 1 and c["error"] == "exit status 1"


def test_unreadable_store(tako, app, env):
    """§11.2: a store that is not a database fails every command that needs it, with its path;
    commands that do not need it never open it."""
    r = tako("exec", "w", cwd=app)
    run_id = run_id_of(r.out)
    p = store_path(env)
    for extra in ("-wal", "-shm"):
        pathlib.Path(str(p) + extra).unlink(missing_ok=True)
    p.write_bytes(b"garbage, not an SQLite database" * 100)
    unreadable = f"state store {p} is unreadable: file is not a database"
    s = tako("status", run_id)
    assert s.code == 1 and s.err == f"Error: {unreadable}\n", s
    s = tako("status")
    assert s.code == 1 and s.err == f"Error: {unreadable}\n", s
    rr = tako("exec", "--resume", run_id)
    assert rr.code == 1 and rr.err == f"Error: workflow execution failed: {unreadable}\n", rr
    rr = tako("exec", "w", cwd=app)
    assert rr.code == 1 and rr.err.endswith(f"Error: workflow execution failed: {unreadable}\n"), rr
    assert tako("validate", cwd=app).code == 0
    assert tako("graph", "--local", cwd=app).code == 0
    assert p.read_bytes().startswith(b"garbage")  # nothing rewrote it


def test_store_of_a_newer_tako(tako, app, env):
    r = tako("exec", "w", cwd=app)
    run_id = run_id_of(r.out)
    sql(env, "PRAGMA user_version = 99")
    newer = f"state store {store_path(env)} has schema version 99, newer than this tako (2)"
    s = tako("status", run_id)
    assert s.code == 1 and s.err == f"Error: {newer}\n", s
    rr = tako("exec", "w", cwd=app)
    assert rr.code == 1 and rr.err.endswith(f"Error: workflow execution failed: {newer}\n"), rr
    assert sql(env, "PRAGMA user_version") == [(99,)]  # never migrated backward


def test_status_unknown_run(tako, env):
    s = tako("status", "exec-20240101-000000-deadbeef")
    assert s.code == 1
    assert s.err == "Error: run 'exec-20240101-000000-deadbeef' not found\n"
    r = tako("exec", "--resume", "exec-20240101-000000-deadbeef")
    assert r.code == 1
    assert r.err == "Error: workflow execution failed: run 'exec-20240101-000000-deadbeef' not found\n"


def test_status_list(tako, ws, app, env):
    s = tako("status")
    assert s.code == 0 and s.out == "No runs found.\n"
    other = ws.repo("other-repo-with-long-name", yml("  release-all:\n    steps: [exit 1]\n", name="o/other-long"))
    ids = []
    r = tako("exec", "w", cwd=app)
    ids.append((run_id_of(r.out), "w", "o/app", "completed"))
    r = tako("exec", "release-all", cwd=other)
    ids.append((run_id_of(r.out), "release-all", "o/other-long", "failed"))
    s = tako("status")
    assert s.code == 0, s
    lines = s.out.splitlines()
    assert len(lines) == 3
    header = lines[0]
    cols = ["RUN ID", "WORKFLOW", "REPOSITORY", "STATUS", "STARTED", "DURATION"]
    assert re.fullmatch(r"  +".join(re.escape(c) for c in cols), header.rstrip())
    starts = [header.index(c) for c in cols]
    rows = {}
    for line in lines[1:]:
        cells = [line[starts[i]:(starts[i + 1] if i + 1 < len(starts) else None)].rstrip() for i in range(6)]
        # Cells are left-aligned at the header's column starts, separated by at least two spaces.
        assert all(line[starts[i] - 2:starts[i]] == "  " for i in range(1, 6))
        rows[cells[0]] = cells
    for run_id, wf, repo, status in ids:
        cells = rows[run_id]
        assert cells[1:4] == [wf, repo, status]
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", cells[4])
        assert re.fullmatch(r"\d+(\.\d+)?(ms|s)|\d+m\d+s", cells[5]), cells
    # Widest cell decides the column width: the long workflow name.
    assert starts[2] - starts[1] == len("release-all") + 2
    # Newest first; --limit.
    newest = sorted(ids, key=lambda t: t[0])[-1][0]
    one = tako("status", "--limit", "1")
    assert one.out.splitlines()[1].startswith(lines[1].split()[0])
    assert len(one.out.splitlines()) == 2
    js = json.loads(tako("status", "--json").out)
    assert {j["run_id"] for j in js} == {i[0] for i in ids}
    for j in js:
        assert set(j) == {"run_id", "workflow", "repository", "status", "start_time", "end_time", "duration_ms"}
    assert newest in {j["run_id"] for j in js}


def test_status_json_tree_is_the_run_document(tako, app, env):
    r = tako("exec", "w", "--json", cwd=app)
    run_id = json.loads(r.out)["run_id"]
    s = tako("status", run_id, "--json")
    assert s.code == 0
    doc = json.loads(s.out)
    assert "checksum" not in doc
    # The export holds what the run reported at its end (exec --json prints the same run tree).
    assert doc["root"] == json.loads(r.out)["run"]
    t = tako("status", run_id)
    assert re.fullmatch(re.escape(f"{run_id} (w) [COMPLETED]\n└── o/app [COMPLETED] (") + r"\d+(ms|s)\)\n", t.out), \
        t.out


# ---- workspaces (§2, §1.9) -----------------------------------------------------------------------

def test_workspace_clean(tako, app, env):
    assert tako("workspace", "clean").out == "Removed 0 workspace(s).\n"
    failed = [run_id_of(tako("exec", "w", "--inputs.x=boom", cwd=app).out) for _ in range(2)]
    kept = run_id_of(tako("exec", "w", "--preserve-tmp", cwd=app).out)
    wsroot = home(env) / "workspaces"
    assert sorted(p.name for p in wsroot.iterdir()) == sorted(failed + [kept])
    # An orphan directory without state counts by its mtime.
    orphan = wsroot / "exec-20200101-000000-00000000"
    orphan.mkdir()
    old = orphan.stat().st_mtime - 7200
    os.utime(orphan, (old, old))
    r = tako("workspace", "clean", "--older-than", "1h")
    assert r.code == 0 and r.out == "Removed 1 workspace(s).\n", r
    assert sorted(p.name for p in wsroot.iterdir()) == sorted(failed + [kept])
    r = tako("workspace", "clean")
    assert r.code == 0 and r.out == "Removed 3 workspace(s).\n", r
    assert list(wsroot.iterdir()) == []
    # Recorded runs are never deleted from the store.
    for run_id in failed + [kept]:
        assert load_state(env, run_id)["root"]["run_id"] == run_id


def test_workspace_clean_bad_duration(tako):
    r = tako("workspace", "clean", "--older-than", "soon")
    assert r.code == 1
    assert 'time: invalid duration "soon"' in r.err


def test_state_on_disk_before_each_step_process(tako, ws, env, tmp_path):
    """§11.3: when a step's process starts, the store already records it `running` and the
    previous steps with their final status (read by another tako from inside the steps themselves:
    readers never wait for the writer)."""
    snap = tmp_path / "snap"
    snap.mkdir()
    copy = f'{TAKO_BIN} status "$TAKO_RUN_ID" --json > "{snap}/$TAKO_STEP_ID.json"'
    app = ws.repo("app", yml(f"""\
  w:
    steps:
      - id: a
        run: echo out-a
        produces: {{outputs: {{v: from_stdout}}}}
      - id: b
        run: '{copy}'
      - id: c
        if: 'false'
        run: 'true'
      - id: d
        run: '{copy}; exit 1'
        on_failure:
          - id: h
            run: '{copy}'
"""))
    r = tako("exec", "w", cwd=app)
    assert r.code == 1, r
    docs = {n: json.loads((snap / f"{n}.json").read_text()) for n in ("b", "d", "h")}
    st = {n: {s["id"]: s for s in d["root"]["steps"]} for n, d in docs.items()}
    assert st["b"]["a"]["status"] == "completed" and st["b"]["a"]["outputs"] == {"v": "out-a"}
    assert st["b"]["b"]["status"] == "running" and docs["b"]["root"]["current_step"] == "b"
    assert [st["d"][k]["status"] for k in ("a", "b", "c", "d")] == ["completed", "completed", "skipped", "running"]
    assert st["h"]["d"]["status"] == "failed" and st["h"]["h"]["status"] == "running"
    assert st["h"]["h"]["on_failure_of"] == "d"
    assert docs["b"]["root"]["status"] == "running"


def test_state_write_failure_aborts_before_next_step(tako, ws, env, tmp_path):
    """A step whose `running` state cannot be written is not started (§11.3); the run fails with
    the write error."""
    block = STATE_WRITE_BLOCKER
    app = ws.repo("app", yml(f"""\
  w:
    steps:
      - id: a
        run: '{block}'
      - id: b
        run: touch {tmp_path}/b-ran
"""))
    r = tako("exec", "w", cwd=app)
    assert r.code == 1, r
    assert not (tmp_path / "b-ran").exists()
    assert "Success: false\n" in r.out
    assert re.search(r"Error: workflow execution failed: " + STATE_BLOCKED + r"\n$", r.err), r.err

    # The same for the final write of a run: no "Success: true" for a run whose end is not on disk.
    app2 = ws.repo("app2", yml(f"""\
  w:
    steps:
      - id: last
        run: '{block}'
""", name="o/app2"))
    r = tako("exec", "w", cwd=app2)
    assert r.code == 1, r
    assert "Success: false\n" in r.out and "Success: true" not in r.out
    assert re.search(r"Error: workflow execution failed: " + STATE_BLOCKED + r"\n$", r.err), r.err


@pytest.mark.parametrize("end,removed", [("1700-01-01T00:00:00Z", 1), ("2260-01-01T00:00:00Z", 0)])
def test_workspace_clean_with_an_end_time_centuries_away(tako, app, env, end, removed):
    """`now - end_time` overflowed for an end three centuries ago (the run looked as if it ended in
    the future and was kept); it is computed without overflow now."""
    run_id = run_id_of(tako("exec", "w", "--inputs.x=boom", cwd=app).out)
    sql(env, "UPDATE runs SET end_time = ? WHERE run_id = ?", nanos(end), run_id)
    r = tako("workspace", "clean", "--older-than", "1h")
    assert r.code == 0 and r.out == f"Removed {removed} workspace(s).\n", r
    assert (home(env) / "workspaces" / run_id).exists() == (removed == 0)
