"""kill -9 of tako at random moments of a 3-level fan-out, then `--resume` (REFERENCE.md §11.2–§11.4).

Every step appends to a counter file named after its run and step. After each kill: the store is readable,
the resume completes the tree, and no step the store recorded `completed` before the kill runs again.

Half the kills fall at a random moment of the tree's span (anywhere: between steps, inside a store write); the
other half hold one chosen step with a file and kill while it runs, so those trials always leave a tree to resume
whatever the machine's speed."""
import json
import random
import signal
import subprocess
import time

import pytest

from conftest import TAKO_BIN
from test_exec_util import kill_if_running, pid_alive, run_ids, spawn, wait_for

TRIALS = 20


STEPS = [("top", "a"), ("top", "z"), ("mid1", "a"), ("mid1", "z"), ("mid2", "a"), ("mid2", "z"),
         ("leaf", "a"), ("leaf", "b")]


def counted(counts, repo, step):
    """Counts the step, then waits while the hold file <repo>.<step> exists (marking that it got there)."""
    hold = counts.parent / "hold" / f"{repo}.{step}"
    return (f"      - id: {step}\n        run: 'echo x >> {counts}/$TAKO_RUN_ID.{step}; "
            f"if [ -e {hold} ]; then touch {hold}.reached; while [ -e {hold} ]; do sleep 0.01; done; fi'\n")


def fan(event):
    return (f"      - id: fan\n        uses: tako/fan-out@v1\n"
            f"        with: {{event_type: {event}, wait_for_children: true}}\n")


def cascade(ws, counts):
    """o/top fans out `built` to o/mid1 and o/mid2; each of them fans out `mid_done` to o/leaf: five runs on
    three levels, every run counting its steps."""
    top = ws.repo("top", "version: '1'\nmetadata: {name: o/top}\nworkflows:\n  w:\n    steps:\n" +
                  counted(counts, "top", "a") + fan("built") + counted(counts, "top", "z"), remote=False)
    for mid in ("mid1", "mid2"):
        ws.repo(mid, f"version: '1'\nmetadata: {{name: o/{mid}}}\nsubscriptions:\n  - artifact: o/top:*\n"
                     "    events: [built]\n    workflow: m\nworkflows:\n  m:\n    steps:\n" +
                counted(counts, mid, "a") + fan("mid_done") + counted(counts, mid, "z"), remote=False)
    ws.repo("leaf", "version: '1'\nmetadata: {name: o/leaf}\nsubscriptions:\n"
                    "  - artifact: o/mid1:*\n    events: [mid_done]\n    workflow: l\n"
                    "  - artifact: o/mid2:*\n    events: [mid_done]\n    workflow: l\n"
                    "workflows:\n  l:\n    steps:\n" + counted(counts, "leaf", "a") + counted(counts, "leaf", "b"), remote=False)
    return top


def status_json(env, run_id):
    r = subprocess.run([TAKO_BIN, "status", run_id, "--json"], env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr  # the store is readable after every kill
    return json.loads(r.stdout)


def completed_steps(doc):
    out = set()

    def walk(run):
        for s in run["steps"]:
            if s["status"] == "completed" and s["kind"] == "run":
                out.add(f"{run['run_id']}.{s['id']}")
        for c in run["children"]:
            walk(c)
    walk(doc["root"])
    return out


def counts_of(counts):
    return {p.name: p.read_text().count("x") for p in counts.iterdir()}


@pytest.mark.parametrize("sync", ["normal", "full"])
def test_kill_9_at_random_moments_then_resume(ws, env, tmp_path, sync):
    counts = tmp_path / "counts"
    counts.mkdir()
    holds = tmp_path / "hold"
    holds.mkdir()
    top = cascade(ws, counts)
    env = dict(env, TAKO_STATE_SYNC=sync)

    # How long an uninterrupted tree takes here: the kills fall anywhere in it.
    t0 = time.monotonic()
    full = subprocess.run([TAKO_BIN, "exec", "w", "--local"], cwd=top, env=env, capture_output=True, text=True,
                          timeout=120)
    span = time.monotonic() - t0
    assert full.returncode == 0, full.stderr
    runs_per_tree = 5

    rng = random.Random(2026 if sync == "normal" else 2027)
    resumed = 0
    for trial in range(TRIALS):
        known = set(run_ids(env))
        held = None
        if trial % 2 == 0:
            repo, step = rng.choice(STEPS)
            held = holds / f"{repo}.{step}"
            held.touch()
        p = spawn(env, "exec", "w", "--local", cwd=top, out=tmp_path / "run.out", err=tmp_path / "run.err")
        try:
            if held:
                reached = held.with_name(held.name + ".reached")
                wait_for(lambda: reached.exists() or p.poll() is not None, timeout=120, what=f"{held.name} to run")
                assert p.poll() is None, (trial, (tmp_path / "run.err").read_text())
            else:
                time.sleep(rng.uniform(0, span))  # the random moment of the kill (not a synchronisation)
            p.send_signal(signal.SIGKILL)
            p.wait(timeout=30)
        finally:
            kill_if_running(p)
            for f in holds.iterdir():
                f.unlink()
        wait_for(lambda: not pid_alive(p.pid), what="tako to die")
        new = set(run_ids(env)) - known
        if not new:
            assert held is None, trial  # a held step runs inside a recorded run
            continue  # killed before the run was recorded: nothing to resume
        (run_id,) = new
        before = status_json(env, run_id)
        recorded = completed_steps(before)
        counted_before = counts_of(counts)
        for key in recorded:
            assert counted_before.get(key) == 1, (trial, key, counted_before.get(key))
        r = subprocess.run([TAKO_BIN, "exec", "--resume", run_id, "--local"], cwd=top, env=env,
                           capture_output=True, text=True, timeout=120)
        if before["root"]["status"] == "completed":
            assert held is None, trial  # killed while a step ran: the tree cannot have completed
            assert r.returncode == 0 and "already completed" in r.stdout, r
            continue
        assert r.returncode == 0, (trial, r.stdout, r.stderr)
        resumed += 1
        after = status_json(env, run_id)
        assert after["root"]["status"] == "completed"
        runs = []

        def walk(run):
            runs.append(run)
            for c in run["children"]:
                walk(c)
        walk(after["root"])
        assert len(runs) == runs_per_tree and all(x["status"] == "completed" for x in runs), trial
        counted_after = counts_of(counts)
        # No step recorded completed before the kill ran again; every step of the tree ran.
        for key in recorded:
            assert counted_after[key] == 1, (trial, key)
        assert completed_steps(after) <= set(counted_after), trial
    assert resumed >= TRIALS // 2, f"only {resumed} of {TRIALS} kills left a tree to resume"
