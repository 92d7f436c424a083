"""Resume (REFERENCE.md §11.4, §11.5): after a failure, after kill -9, run lock, mismatch and completed cases."""
import json
import pathlib
import os
import re
import signal

import pytest

from test_exec_util import (DUR, RUN_ID, home, kill_if_running, load_state, newest_run_id, pid_alive, read_pid,
                            run_id_of, spawn, steps_of, wait_dead, wait_for, yml)


def counted(name, tmp):
    return f'echo x >> {tmp}/{name}.count'


def count(tmp, name):
    p = tmp / f"{name}.count"
    return p.read_text().count("x") if p.exists() else 0


def flaky_yml(tmp):
    return yml(f"""\
  w:
    inputs:
      x: {{type: string, default: d}}
    steps:
      - id: a
        run: '{counted("a", tmp)}; echo "a-{{{{ .inputs.x }}}}"'
        produces: {{outputs: {{v: from_stdout}}}}
      - id: skip
        if: 'false'
        run: '{counted("skip", tmp)}'
      - id: b
        run: '{counted("b", tmp)}; echo "b sees $(cat {tmp}/fixed 2>/dev/null)"; test -f {tmp}/fixed'
      - id: c
        run: '{counted("c", tmp)}; echo "c got {{{{ .steps.a.outputs.v }}}} $TAKO_INPUT_X"'
        produces: {{outputs: {{v: from_stdout}}}}
""")


def test_resume_after_fix(tako, ws, env, tmp_path):
    app = ws.repo("app", flaky_yml(tmp_path))
    r1 = tako("exec", "w", "--inputs.x=val", cwd=app)
    assert r1.code == 1, r1
    run_id = run_id_of(r1.out)
    assert (count(tmp_path, "a"), count(tmp_path, "b"), count(tmp_path, "c")) == (1, 1, 0)
    first = steps_of(load_state(env, run_id))
    (tmp_path / "fixed").write_text("yes")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    r2 = tako("exec", "--resume", run_id, cwd=elsewhere)  # the recorded repository, not the cwd
    assert r2.code == 0, r2
    assert (count(tmp_path, "a"), count(tmp_path, "skip"), count(tmp_path, "b"), count(tmp_path, "c")) == (1, 0, 2, 1)
    assert re.fullmatch(
        "Executing workflow 'w'\n"
        f"Resuming from: {run_id}\n"
        "Inputs:\n"
        "  x: val\n"
        "\n"
        f"Execution completed: {run_id}\n"
        "Success: true\n"
        r"Duration: \d\S*\n"
        "\n"
        "Steps executed: 4\n"
        f"  ✓ a {DUR}\n"
        "  - skip \\(skipped\\)\n"
        f"  ✓ b {DUR}\n"
        f"  ✓ c {DUR}\n", r2.out), r2.out
    assert r2.err == ""
    doc = load_state(env, run_id)
    st = steps_of(doc)
    assert doc["root"]["status"] == "completed" and doc["root"]["error"] is None
    assert st["c"]["outputs"]["v"] == "c got a-val val"
    # The completed step keeps its recorded result (and is not re-run).
    assert st["a"]["start_time"] == first["a"]["start_time"]
    assert st["a"]["duration_ms"] == first["a"]["duration_ms"]
    # Success removes the workspace.
    assert not (home(env) / "workspaces" / run_id).exists()
    # And a completed run cannot be resumed again.
    r3 = tako("exec", "--resume", run_id)
    assert r3.code == 0, r3
    assert r3.out == f"Run {run_id} already completed; nothing to resume.\n"
    assert (count(tmp_path, "a"), count(tmp_path, "b"), count(tmp_path, "c")) == (1, 2, 1)


def test_resume_with_matching_workflow_arg_and_failed_only(tako, ws, env, tmp_path):
    app = ws.repo("app", flaky_yml(tmp_path))
    run_id = run_id_of(tako("exec", "w", cwd=app).out)
    bad = tako("exec", "other", "--resume", run_id, cwd=app)
    assert bad.code == 1
    assert bad.err == (f"Error: workflow execution failed: workflow 'other' does not match run {run_id} "
                       "(workflow 'w')\n")
    assert count(tmp_path, "b") == 1
    (tmp_path / "fixed").write_text("")
    ok = tako("exec", "w", "--resume", run_id, "--failed-only", cwd=app)
    assert ok.code == 0, ok
    assert count(tmp_path, "b") == 2


def test_resume_still_failing_keeps_state_consistent(tako, ws, env, tmp_path):
    app = ws.repo("app", flaky_yml(tmp_path))
    run_id = run_id_of(tako("exec", "w", cwd=app).out)
    r = tako("exec", "--resume", run_id)
    assert r.code == 1, r
    assert "--- last 1 lines of step 'b' (o/app) ---\nb sees \n---\n" in r.err
    assert r.err.endswith("Error: workflow execution failed: step 'b' failed: exit status 1\n")
    doc = load_state(env, run_id)
    assert [s["id"] for s in doc["root"]["steps"]] == ["a", "skip", "b"]
    assert doc["root"]["status"] == "failed"
    assert (count(tmp_path, "a"), count(tmp_path, "b")) == (1, 2)


def blocking_yml(tmp, escape=False):
    # escape: the looping process leaves the step's process group and session (as a daemon would), so the keeper
    # cannot reach it when tako is killed; only the resume's leftover search (by environment) finds it.
    loop = f"echo $$ > {tmp}/long.pid; while [ ! -f {tmp}/release ]; do sleep 0.02; done"
    body = f"setsid sh -c '{loop}'" if escape else loop
    return yml(f"""\
  w:
    steps:
      - id: a
        run: '{counted("a", tmp)}'
      - id: long
        run: |
          {counted("long", tmp)}
          {body}
      - id: c
        run: '{counted("c", tmp)}'
""")


def test_kill_9_then_resume(tako, ws, env, tmp_path):
    app = ws.repo("app", blocking_yml(tmp_path, escape=True))
    p = spawn(env, "exec", "w", cwd=app)
    try:
        step_pid = read_pid(tmp_path / "long.pid")
        run_id = wait_for(lambda: newest_run_id(env), what="state file")
        # The state says `long` is running before its process started (§11.3).
        doc = load_state(env, run_id)
        assert steps_of(doc)["long"]["status"] == "running"
        assert doc["root"]["current_step"] == "long"
        p.send_signal(signal.SIGKILL)
        p.wait(timeout=30)
    finally:
        kill_if_running(p)
    # SIGKILL gives tako no chance to stop the step; its keeper ends the step's process group, but not a process
    # that left it.
    assert pid_alive(step_pid)
    st = tako("status", run_id)
    assert st.out == f"{run_id} (w) [INTERRUPTED]\n└── o/app [INTERRUPTED] - step: long\n", st
    lst = tako("status")
    assert re.search(re.escape(run_id) + r"\s+w\s+o/app\s+interrupted\s", lst.out), lst.out
    (tmp_path / "long.pid").unlink()
    r = spawn(env, "exec", "--resume", run_id, cwd=app, out=tmp_path / "r.out", err=tmp_path / "r.err")
    try:
        # The resume stops the leftover step before it runs `long` again: never two at once.
        second = read_pid(tmp_path / "long.pid")
        assert second != step_pid
        assert not pid_alive(step_pid)
        (tmp_path / "release").write_text("")
        assert r.wait(timeout=60) == 0, (tmp_path / "r.err").read_text()
    finally:
        kill_if_running(r)
        (tmp_path / "release").write_text("")  # ends any step loop still running
    err = (tmp_path / "r.err").read_text()
    assert re.match(r"warning: stopping leftover processes of interrupted step 'long' of run " + re.escape(run_id) +
                    r": pids (\d+, )*" + str(step_pid) + r"\b", err), err
    assert (count(tmp_path, "a"), count(tmp_path, "long"), count(tmp_path, "c")) == (1, 2, 1)
    assert load_state(env, run_id)["root"]["status"] == "completed"


def test_resume_refused_while_run_is_locked(tako, ws, env, tmp_path):
    app = ws.repo("app", blocking_yml(tmp_path))
    p = spawn(env, "exec", "w", cwd=app)
    try:
        read_pid(tmp_path / "long.pid")
        run_id = wait_for(lambda: newest_run_id(env), what="state file")
        r = tako("exec", "--resume", run_id)
        assert r.code == 1
        assert r.err == (f"Error: workflow execution failed: run {run_id} is locked by another tako process "
                         f"(pid {p.pid})\n")
        st = tako("status", run_id)
        assert re.fullmatch(re.escape(f"{run_id} (w) [RUNNING]\n└── o/app [RUNNING] - step: long (") +
                            r"\d[^)]*\)\n", st.out), st.out
        (tmp_path / "release").write_text("")
        out, err = p.communicate(timeout=60)
        assert p.returncode == 0, err
    finally:
        kill_if_running(p)
    assert count(tmp_path, "long") == 1


def test_resume_lock_held_by_resuming_process(tako, ws, env, tmp_path):
    # The first attempt fails in `long`; its resume blocks there.
    app2 = ws.repo("app2", yml(f"""\
  w:
    steps:
      - id: a
        run: '{counted("a", tmp_path)}'
      - id: long
        run: |
          {counted("long", tmp_path)}
          test -f {tmp_path}/second || exit 1
          echo $$ > {tmp_path}/long.pid
          while [ ! -f {tmp_path}/release ]; do sleep 0.02; done
""", name="o/app2"))
    r1 = tako("exec", "w", cwd=app2)
    assert r1.code == 1
    run_id = run_id_of(r1.out)
    (tmp_path / "second").write_text("")
    p = spawn(env, "exec", "--resume", run_id)
    try:
        read_pid(tmp_path / "long.pid")
        r = tako("exec", "--resume", run_id)
        assert r.code == 1
        assert r.err == (f"Error: workflow execution failed: run {run_id} is locked by another tako process "
                         f"(pid {p.pid})\n")
        (tmp_path / "release").write_text("")
        out, err = p.communicate(timeout=60)
        assert p.returncode == 0, (out, err)
    finally:
        kill_if_running(p)
    assert (count(tmp_path, "a"), count(tmp_path, "long")) == (1, 2)


def _failed_run(tako, ws, tmp_path):
    app = ws.repo("app", yml("  w:\n    steps:\n      - id: a\n        run: 'false'\n"))
    r = tako("exec", "w", cwd=app)
    assert r.code == 1, r
    return app, run_id_of(r.out)


def failed_fan_out_run(tako, ws, app):
    """Adds o/sub, whose subscription to o/app's `built` event runs a failing workflow, runs
    `exec w --local` in `app` (whose w fans out `built`, waiting for children) and returns the
    id of that run, which fails with its child."""
    ws.repo("sub", "version: '1'\nmetadata: {name: o/sub}\nsubscriptions:\n  - artifact: o/app:*\n"
                   "    events: [built]\n    workflow: s\nworkflows:\n  s:\n    steps:\n      - run: 'false'\n",
            remote=False)
    r = tako("exec", "w", "--local", cwd=app)
    assert r.code == 1, r
    return run_id_of(r.out)


def test_damaged_store_rows_never_crash_or_hang_a_resume(tako, ws, env, tmp_path):
    """One column of one recorded row of a failed fan-out tree replaced behind tako's back (a
    hand-edited store): `exec --resume` (also with --failed-only) and `status` end with 0 or 1 and
    a message, never a signal or a hang. Fixed seed: the same 40 damages on every run."""
    import contextlib
    import random
    import shutil
    import sqlite3
    app = ws.repo("app", yml("  w:\n    steps:\n      - id: a\n        run: echo a\n      - id: fan\n"
                             "        uses: tako/fan-out@v1\n        with: {event_type: built, wait_for_children: true}\n"
                             "      - id: z\n        run: echo z\n"), remote=False)
    run_id = failed_fan_out_run(tako, ws, app)
    db = home(env) / "tako.db"
    pristine = tmp_path / "pristine.db"
    with contextlib.closing(sqlite3.connect(db)) as c:  # one self-contained copy (the log folded in)
        c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copyfile(db, pristine)
    columns = {
        "runs": ["parent_run_id", "parent_step", "status", "depth", "isolation", "workspace", "inputs", "cli_inputs",
                 "event", "start_time", "end_time", "current_step", "path", "workflow", "key"],
        "steps": ["kind", "status", "on_failure_of", "outputs", "start_time", "step_id", "uses"],
        "fan_outs": ["event", "evaluation_errors", "timeout", "step_id"],
        "events": ["body", "step_id"],
    }
    values = [None, "", "x", 0, -1, 10**12, "[]", "{}", "running", "pending", "completed", "failed", run_id,
              "exec-20200101-000000-00000001", "fan", "a"]
    rng = random.Random(15)
    for trial in range(40):
        for extra in ("-wal", "-shm"):
            pathlib.Path(str(db) + extra).unlink(missing_ok=True)
        shutil.copyfile(pristine, db)
        table = rng.choice(sorted(columns))
        column = rng.choice(columns[table])
        value = rng.choice(values)
        with contextlib.closing(sqlite3.connect(db)) as c, c:
            rows = [r[0] for r in c.execute(f"SELECT rowid FROM {table}" if table in ("runs", "history")
                                             else f"SELECT run_id || '/' || step_id FROM {table}")]
            if not rows:
                continue  # nothing of that kind recorded (this tree emits no step events)
            target = rng.choice(rows)
            where = "rowid = ?" if table == "runs" else "run_id || '/' || step_id = ?"
            try:
                c.execute(f"UPDATE {table} SET {column} = ? WHERE {where}", (value, target))
            except sqlite3.IntegrityError:
                continue  # the schema itself refuses this damage (NOT NULL, primary key)
        extra = ["--failed-only"] if trial % 2 else []
        r = tako("exec", "--resume", run_id, "--local", *extra, cwd=app, timeout=30)
        assert r.code in (0, 1), (table, column, value, r)
        if r.code == 1:
            assert "Error: " in r.err, (table, column, value, r)
        s = tako("status", run_id, timeout=30)
        assert s.code in (0, 1), (table, column, value, s)
