"""Deep synchronisation, concurrency limits, timeouts, fail_fast and failure aggregation (REFERENCE.md §10.3, §10.8–§10.10)."""
import re
import subprocess
import time

import pytest

from conftest import TAKO_BIN
from test_exec_util import kill_if_running, spawn, wait_for
from test_fanout_util import (DUR, RUN_ID, emitter, esc, find_run, pid_alive, run_id_of, state_of, step_of,
                              subscriber, yml)


def leaf_steps(log, tag="$TAKO_REPO"):
    return f'      - run: echo "{tag}" >> {log}\n'


def test_deep_chain_order(tako, ws, tmp_path):
    log = tmp_path / "order.log"
    lib = ws.repo("lib", emitter("lib", before=f'      - run: echo "lib start" >> {log}\n',
                                 after=f'      - run: echo "lib end" >> {log}\n'))
    app_body = f"""subscriptions:
  - artifact: o/lib:*
    events: [ping]
    workflow: react
workflows:
  react:
    steps:
      - run: echo "app start" >> {log}
      - id: fan
        uses: tako/fan-out@v1
        with: {{event_type: app_done, wait_for_children: true}}
      - run: echo "app end" >> {log}
"""
    ws.repo("app", yml("app", app_body, "o"))
    ws.repo("app2", subscriber("app2", "o/app", f'      - run: echo "app2 ran" >> {log}\n', event="app_done"))
    r = tako("exec", "go", "--local", cwd=lib)
    assert r.code == 0, r
    assert log.read_text().splitlines() == ["lib start", "app start", "app2 ran", "app end", "lib end"]
    lines = r.out.splitlines()
    i = lines.index(next(l for l in lines if l.startswith("  ✓ fan (")))
    assert [re.sub(DUR, "(D)", l) for l in lines[i:i + 7]] == [
        "  ✓ fan (D)",
        "    └── ✓ o/app:react (D)",
        "        ├── ✓ step-1 (D)",
        "        ├── ✓ fan (D)",
        "        │   └── ✓ o/app2:react (D)",
        "        │       └── ✓ step-1 (D)",
        "        └── ✓ step-3 (D)",
    ]


def barrier_steps(log, n_expected, timeout_s=20):
    """Logs start, waits (polling, bounded) until `n_expected` starts are logged, then logs end."""
    return (f'      - run: |\n'
            f'          echo "start $TAKO_REPO" >> {log}\n'
            f'          i=0; while [ "$(grep -c start {log})" -lt {n_expected} ] && [ $i -lt {timeout_s * 20} ]; do '
            f'sleep 0.05; i=$((i+1)); done\n'
            f'          echo "end $TAKO_REPO" >> {log}\n')


def peak(log):
    cur = best = 0
    for line in log.read_text().splitlines():
        cur += 1 if line.startswith("start") else -1
        best = max(best, cur)
    return best


def test_concurrency_limit_is_never_exceeded(tako, ws, tmp_path):
    log = tmp_path / "conc.log"
    src = ws.repo("src", emitter("src", extra_with="          concurrency_limit: 2\n"))
    for i in range(6):
        # Each child waits until two children have started: with a limit of 2 the first pair meets,
        # a broken limit shows up as a peak above 2.
        ws.repo(f"c{i}", subscriber(f"c{i}", "o/src", barrier_steps(log, 2)))
    r = tako("exec", "go", "--local", cwd=src, timeout=300)
    assert r.code == 0, r
    lines = log.read_text().splitlines()
    assert sorted(l for l in lines if l.startswith("start")) == [f"start o/c{i}" for i in range(6)]
    assert peak(log) == 2, lines
    assert "triggered_count 6 error_count 0" in r.err
    # Children wait for slots in trigger order (sorted by identity); the first pair runs
    # concurrently, so only the pair is fixed, not the order of its two start lines.
    assert sorted([l for l in lines if l.startswith("start")][:2]) == ["start o/c0", "start o/c1"]


def test_concurrency_limit_as_numeric_string(tako, ws, tmp_path):
    log = tmp_path / "conc.log"
    src = ws.repo("src", emitter("src", extra_with='          concurrency_limit: "1"\n'))
    for i in range(3):
        ws.repo(f"c{i}", subscriber(f"c{i}", "o/src", barrier_steps(log, 1)))
    r = tako("exec", "go", "--local", cwd=src, timeout=300)
    assert r.code == 0, r
    assert peak(log) == 1
    assert [l for l in log.read_text().splitlines()] == [x for i in range(3) for x in (f"start o/c{i}", f"end o/c{i}")]


def test_tree_wide_max_concurrent_repos(tako, ws, tmp_path):
    """3 mids each fan out to 2 leaves; runs blocked on their children do not count (§10.8)."""
    log = tmp_path / "tree.log"
    src = ws.repo("src", emitter("src"))
    for m in range(3):
        body = f"""subscriptions:
  - artifact: o/src:*
    events: [ping]
    workflow: react
workflows:
  react:
    steps:
{barrier_steps(log, 2)}      - id: fan
        uses: tako/fan-out@v1
        with: {{event_type: mid_{m}, wait_for_children: true}}
"""
        ws.repo(f"mid{m}", yml(f"mid{m}", body, "o"))
        for k in range(2):
            ws.repo(f"leaf{m}{k}", subscriber(f"leaf{m}{k}", f"o/mid{m}", barrier_steps(log, 2), event=f"mid_{m}"))
    r = tako("exec", "go", "--local", "--max-concurrent-repos", "2", cwd=src, timeout=300)
    assert r.code == 0, r
    starts = [l for l in log.read_text().splitlines() if l.startswith("start")]
    assert len(starts) == 9
    assert peak(log) == 2, log.read_text()


def test_max_concurrent_repos_one_with_nesting_does_not_deadlock(tako, ws, tmp_path):
    log = tmp_path / "one.log"
    src = ws.repo("src", emitter("src"))
    for m in range(2):
        body = f"""subscriptions:
  - artifact: o/src:*
    events: [ping]
    workflow: react
workflows:
  react:
    steps:
      - run: echo "start $TAKO_REPO" >> {log}; echo "end $TAKO_REPO" >> {log}
      - id: fan
        uses: tako/fan-out@v1
        with: {{event_type: mid_{m}, wait_for_children: true}}
"""
        ws.repo(f"mid{m}", yml(f"mid{m}", body, "o"))
        ws.repo(f"leaf{m}", subscriber(f"leaf{m}", f"o/mid{m}",
                                       f'      - run: echo "start $TAKO_REPO" >> {log}; echo "end $TAKO_REPO" >> {log}\n',
                                       event=f"mid_{m}"))
    r = tako("exec", "go", "--local", "--max-concurrent-repos", "1", cwd=src, timeout=120)
    assert r.code == 0, r
    assert peak(log) == 1 and len(log.read_text().splitlines()) == 8


def test_queued_children_do_not_hold_their_repository_locks(tako, ws, tmp_path):
    """A child takes its repository lock when it gets its slot, not while it queues (§14: for
    its execution): the running child can use a queued sibling's checkout from another tako."""
    out = tmp_path / "inner.out"
    src = ws.repo("src", emitter("src"))
    inner = f'      - run: {TAKO_BIN} exec hello --lock-timeout 5s --root {ws.src / "b"} > {out} 2>&1\n'
    ws.repo("a", subscriber("a", "o/src", inner))
    ws.repo("b", yml("b", "subscriptions:\n  - artifact: o/src:*\n    events: [ping]\n    workflow: react\n"
                          "workflows:\n  react:\n    steps: [true]\n  hello:\n    steps: [echo hello]\n", "o"))
    r = tako("exec", "go", "--local", "--max-concurrent-repos", "1", cwd=src, timeout=120)
    assert r.code == 0, (r, out.read_text() if out.exists() else "")
    assert "waiting for lock" not in out.read_text(), out.read_text()
    assert "Success: true" in out.read_text()


def test_fan_out_wider_than_the_descriptor_limit(ws, env, tmp_path):
    """Queued children hold no descriptors (no lock, no cancel eventfd until they run), so a
    fan-out to more repositories than RLIMIT_NOFILE allows descriptors still runs."""
    import resource
    import subprocess
    n = 150
    src = ws.repo("src", emitter("src"), git_init=False)
    for i in range(n):
        ws.repo(f"s{i:03d}", subscriber(f"s{i:03d}", "o/src", "      - run: \"true\"\n"), git_init=False)

    def limit_fds():
        resource.setrlimit(resource.RLIMIT_NOFILE, (100, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))

    p = subprocess.run([TAKO_BIN, "exec", "go", "--local", "--max-concurrent-repos", "4"], cwd=src, env=env,
                       preexec_fn=limit_fds, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr[-3000:]
    assert f"triggered_count {n} error_count 0" in p.stderr


def lock_holder_workspace(ws, tmp_path, log, extra_with=""):
    """src fans out to a, b, c; a's workflow `hold` keeps a's lock until tmp_path/release exists."""
    ws.repo("a", yml("a", "subscriptions:\n  - artifact: o/src:*\n    events: [ping]\n    workflow: react\n"
                          "workflows:\n  react:\n    steps:\n"
                          f'      - run: echo a >> {log}\n'
                          "  hold:\n    steps:\n"
                          f'      - run: touch {tmp_path}/held; while [ ! -f {tmp_path}/release ]; do sleep 0.02; done\n',
                     "o"))
    for name in ("b", "c"):
        ws.repo(name, subscriber(name, "o/src", f'      - run: echo {name} >> {log}\n'))
    return ws.repo("src", emitter("src", extra_with=extra_with))


def test_child_waiting_for_a_lock_gives_its_slot_to_the_next(ws, env, tmp_path):
    """With one slot, a child whose checkout another tako holds waits outside the line; the
    children behind it run meanwhile, and it runs once the lock is free (§10.8, §14)."""
    log = tmp_path / "order.log"
    src = lock_holder_workspace(ws, tmp_path, log)
    holder = spawn(env, "exec", "hold", cwd=ws.src / "a", out=tmp_path / "h.out", err=tmp_path / "h.err")
    fan = None
    try:
        wait_for(lambda: (tmp_path / "held").exists(), what="holder's lock")
        fan = spawn(env, "exec", "go", "--local", "--max-concurrent-repos", "1", cwd=src,
                    out=tmp_path / "f.out", err=tmp_path / "f.err")
        wait_for(lambda: log.exists() and log.read_text() == "b\nc\n", what="b and c")
        assert re.search(r"waiting for lock on o/a \(held by run " + RUN_ID + r", pid " + str(holder.pid) + r"\)",
                         (tmp_path / "f.err").read_text()), (tmp_path / "f.err").read_text()
        (tmp_path / "release").write_text("")
        assert holder.wait(timeout=60) == 0
        assert fan.wait(timeout=60) == 0, (tmp_path / "f.err").read_text()
    finally:
        kill_if_running(holder, fan)
    assert log.read_text() == "b\nc\na\n"
    assert "Success: true" in (tmp_path / "f.out").read_text()


def test_child_lock_timeout_fails_only_that_child(tako, ws, env, tmp_path):
    log = tmp_path / "order.log"
    src = lock_holder_workspace(ws, tmp_path, log)
    holder = spawn(env, "exec", "hold", cwd=ws.src / "a", out=tmp_path / "h.out", err=tmp_path / "h.err")
    try:
        wait_for(lambda: (tmp_path / "held").exists(), what="holder's lock")
        r = tako("exec", "go", "--local", "--max-concurrent-repos", "1", "--lock-timeout", "300ms", cwd=src)
    finally:
        (tmp_path / "release").write_text("")
        assert holder.wait(timeout=60) == 0
    assert r.code == 1, r
    assert log.read_text() == "b\nc\n"
    m = re.search(r"fan-out failed: 1 of 3 child workflows failed: o/a:react: timed out after 300ms waiting for lock "
                  r"on o/a \(held by run " + RUN_ID + r", pid " + str(holder.pid) + r"\)", r.err)
    assert m, r.err


def test_fan_out_timeout_ends_a_childs_lock_wait(tako, ws, env, tmp_path):
    """The timeout cancels a child that waits for its lock (default --lock-timeout: 10 min): the
    wait watches the run's cancellation eventfd, made when the wait starts."""
    log = tmp_path / "order.log"
    src = lock_holder_workspace(ws, tmp_path, log, extra_with="          timeout: 1s\n")
    holder = spawn(env, "exec", "hold", cwd=ws.src / "a", out=tmp_path / "h.out", err=tmp_path / "h.err")
    try:
        wait_for(lambda: (tmp_path / "held").exists(), what="holder's lock")
        r = tako("exec", "go", "--local", "--max-concurrent-repos", "1", cwd=src, timeout=60)
    finally:
        (tmp_path / "release").write_text("")
        assert holder.wait(timeout=60) == 0
    assert r.code == 1, r
    assert "fan-out timed out after 1s" in r.err.splitlines()[-1], r.err
    assert not log.exists() or "a" not in log.read_text().split(), log.read_text()
    assert find_run(state_of(env, run_id_of(r.out)), "o/a")["status"] == "cancelled"


def test_invalid_max_concurrent_repos(tako, ws):
    src = ws.repo("src", emitter("src"))
    r = tako("exec", "go", "--local", "--max-concurrent-repos", "0", cwd=src)
    assert r.code == 1 and r.err.startswith("Error: "), r


SLOW = '      - id: slow\n        run: "sleep 60 & echo $! > {pid}; wait"\n'


def test_timeout_kills_child_and_leaves_no_process(tako, ws, env, tmp_path):
    pidf = tmp_path / "slow.pid"
    src = ws.repo("src", emitter("src", extra_with="          timeout: 4s\n"))
    ws.repo("slow", subscriber("slow", "o/src", SLOW.format(pid=pidf)))
    t0 = time.monotonic()
    r = tako("exec", "go", "--local", cwd=src, timeout=120)
    elapsed = time.monotonic() - t0
    assert r.code == 1, r
    assert elapsed < 45, elapsed          # not the child's 60 s
    assert r.err.splitlines()[-1] == ("Error: workflow execution failed: step 'fan' failed: fan-out timed out after 4s: "
                                      "1 children still running (o/slow:react)")
    pid = int(pidf.read_text())
    assert not pid_alive(pid)
    assert re.search(r"\[INFO\] Child workflow execution completed \[repository o/slow workflow react status timed_out "
                     r"duration_ms \d+ run_id " + RUN_ID + r"\]", r.err), r.err
    assert esc("    └── ✗ o/slow:react (DUR, timed out)").replace(re.escape(", timed out)"), "") or True
    assert re.search(r"^    └── ✗ o/slow:react \(\d[^,)]*, timed out\)$", r.out, re.M), r.out
    rid = run_id_of(r.out)
    doc = state_of(env, rid)
    child = find_run(doc, "o/slow")
    assert child["status"] == "timed_out"
    assert doc["root"]["status"] == "failed"
    s = tako("status", rid)
    assert re.search(r"^    └── o/slow \[TIMED_OUT\] \(\d+m?s\) - timed out$", s.out, re.M), s.out


def test_timeout_covers_detached_children(tako, ws, env, tmp_path):
    pidf = tmp_path / "slow.pid"
    body = emitter("src", extra_with="          timeout: 4s\n", after='      - run: echo after >> AFTER\n').replace(
        "wait_for_children: true", "wait_for_children: false")
    src = ws.repo("src", body)
    ws.repo("slow", subscriber("slow", "o/src", SLOW.format(pid=pidf)))
    t0 = time.monotonic()
    r = tako("exec", "go", "--local", cwd=src, timeout=120)
    assert r.code == 1, r
    assert time.monotonic() - t0 < 45
    assert (src / "AFTER").exists()      # the step completed at once; the next step ran
    assert r.err.splitlines()[-1] == ("Error: workflow execution failed: step 'fan' failed: fan-out timed out after 4s: "
                                      "1 children still running (o/slow:react)")
    assert not pid_alive(int(pidf.read_text()))
    assert find_run(state_of(env, run_id_of(r.out)), "o/slow")["status"] == "timed_out"


def test_one_failing_child_of_three(tako, ws, env):
    src = ws.repo("src", emitter("src", after="      - run: touch FINISHED\n"))
    ws.repo("a", subscriber("a", "o/src", "      - run: touch RAN\n"))
    ws.repo("b", subscriber("b", "o/src", "      - id: boom\n        run: echo oops; exit 2\n"))
    ws.repo("c", subscriber("c", "o/src", "      - run: touch RAN\n"))
    r = tako("exec", "go", "--local", cwd=src)
    assert r.code == 1, r
    assert r.err.splitlines()[-1] == ("Error: workflow execution failed: step 'fan' failed: fan-out failed: 1 of 3 child "
                                      "workflows failed: o/b:react: step 'boom' failed: exit status 2")
    assert (ws.src / "a" / "RAN").exists() and (ws.src / "c" / "RAN").exists()
    assert not (src / "FINISHED").exists()
    assert "--- last 1 lines of step 'boom' (o/b) ---\noops\n---\n" in r.err
    doc = state_of(env, run_id_of(r.out))
    assert [find_run(doc, f"o/{n}")["status"] for n in "abc"] == ["completed", "failed", "completed"]
    assert "success false triggered_count 3 error_count 1 source_repo o/src" in r.err
    lines = r.out.splitlines()
    assert [re.sub(DUR, "(D)", l) for l in lines[-7:]] == [
        "  ✗ fan (D)",
        "    ├── ✓ o/a:react (D)",
        "    │   └── ✓ step-1 (D)",
        "    ├── ✗ o/b:react (D)",
        "    │   └── ✗ boom (D)",
        "    └── ✓ o/c:react (D)",
        "        └── ✓ step-1 (D)",
    ]


def test_fail_fast_cancels_running_siblings(tako, ws, env, tmp_path):
    pb, pc = tmp_path / "b.pid", tmp_path / "c.pid"
    src = ws.repo("src", emitter("src", extra_with="          fail_fast: true\n"))
    # a fails only once b and c are running, so the cancellation has something to cancel.
    wait_both = (f'      - id: boom\n        run: "i=0; while [ ! -s {pb} ] || [ ! -s {pc} ]; do '
                 f'[ $i -gt 600 ] && break; sleep 0.05; i=$((i+1)); done; exit 1"\n')
    ws.repo("a", subscriber("a", "o/src", wait_both))
    ws.repo("b", subscriber("b", "o/src", SLOW.format(pid=pb)))
    ws.repo("c", subscriber("c", "o/src", SLOW.format(pid=pc)))
    t0 = time.monotonic()
    r = tako("exec", "go", "--local", cwd=src, timeout=120)
    assert r.code == 1, r
    assert time.monotonic() - t0 < 45
    assert r.err.splitlines()[-1] == (
        "Error: workflow execution failed: step 'fan' failed: fan-out failed: 3 of 3 child workflows failed: "
        "o/a:react: step 'boom' failed: exit status 1; o/b:react: cancelled; o/c:react: cancelled")
    assert not pid_alive(int(pb.read_text())) and not pid_alive(int(pc.read_text()))
    doc = state_of(env, run_id_of(r.out))
    assert [find_run(doc, f"o/{n}")["status"] for n in "abc"] == ["failed", "cancelled", "cancelled"]


def test_fail_fast_does_not_start_pending(tako, ws, env):
    src = ws.repo("src", emitter("src", extra_with="          fail_fast: true\n          concurrency_limit: 1\n"))
    ws.repo("a", subscriber("a", "o/src", "      - run: exit 1\n"))
    ws.repo("b", subscriber("b", "o/src", "      - run: touch RAN\n"))
    r = tako("exec", "go", "--local", cwd=src)
    assert r.code == 1, r
    assert not (ws.src / "b" / "RAN").exists()
    assert r.err.splitlines()[-1].endswith("2 of 2 child workflows failed: o/a:react: step 'step-1' failed: exit status 1; "
                                           "o/b:react: cancelled"), r.err
    doc = state_of(env, run_id_of(r.out))
    assert find_run(doc, "o/b")["status"] == "cancelled"
    assert "    └── - o/b:react (not run)" in r.out.splitlines(), r.out


def test_fail_fast_does_not_start_pending_in_a_slot_a_cancelled_sibling_frees(tako, ws, env, tmp_path):
    """Two slots: a fails while b runs. Cancelling b gives b's slot back at once; none of the
    pending children may take it before their own cancellation (§10.9)."""
    pending = "cdefg"
    pb = tmp_path / "b.pid"
    src = ws.repo("src", emitter("src", extra_with="          fail_fast: true\n          concurrency_limit: 2\n"))
    ws.repo("a", subscriber("a", "o/src", f'      - id: boom\n        run: "while [ ! -s {pb} ]; do sleep 0.02; done; exit 1"\n'))
    ws.repo("b", subscriber("b", "o/src", SLOW.format(pid=pb)))
    for n in pending:
        ws.repo(n, subscriber(n, "o/src", SLOW.format(pid=tmp_path / f"{n}.pid")))
    r = tako("exec", "go", "--local", cwd=src, timeout=120)
    assert r.code == 1, r
    assert not pid_alive(int(pb.read_text()))
    assert [n for n in pending if (tmp_path / f"{n}.pid").exists()] == [], r.err
    doc = state_of(env, run_id_of(r.out))
    assert [find_run(doc, f"o/{n}")["status"] for n in "ab"] == ["failed", "cancelled"]
    assert {n: find_run(doc, f"o/{n}")["status"] for n in pending} == {n: "cancelled" for n in pending}, r.err
    assert r.err.splitlines()[-1].endswith(
        "7 of 7 child workflows failed: o/a:react: step 'boom' failed: exit status 1; "
        + "; ".join(f"o/{n}:react: cancelled" for n in "b" + pending)), r.err


def test_timeout_counts_only_running_children_and_cancels_pending(tako, ws, env, tmp_path):
    """When the timeout cancels the running child a, a gives its slot back at once; none of
    the pending children may take it and start (it used to go, now and then, to the next one
    in line before that one's own cancellation). Several pending children widen that window."""
    pending = "bcdef"
    pa = tmp_path / "a.pid"
    src = ws.repo("src", emitter("src", extra_with="          timeout: 4s\n          concurrency_limit: 1\n"))
    ws.repo("a", subscriber("a", "o/src", SLOW.format(pid=pa)))
    for n in pending:
        ws.repo(n, subscriber(n, "o/src", SLOW.format(pid=tmp_path / f"{n}.pid")))
    r = tako("exec", "go", "--local", cwd=src, timeout=120)
    assert r.code == 1, r
    assert r.err.splitlines()[-1] == ("Error: workflow execution failed: step 'fan' failed: fan-out timed out after 4s: "
                                      "1 children still running (o/a:react)"), r.err
    assert not pid_alive(int(pa.read_text()))
    assert [n for n in pending if (tmp_path / f"{n}.pid").exists()] == [], r.err
    doc = state_of(env, run_id_of(r.out))
    assert find_run(doc, "o/a")["status"] == "timed_out"
    assert {n: find_run(doc, f"o/{n}")["status"] for n in pending} == {n: "cancelled" for n in pending}, r.err
    for n in pending:
        assert re.search(rf"^    [├└]── - o/{n}:react \(not run\)$", r.out, re.M), r.out


def test_interrupt_stops_children(tako, ws, env, tmp_path):
    import os
    import signal
    import subprocess
    from conftest import TAKO_BIN
    pidf = tmp_path / "slow.pid"
    src = ws.repo("src", emitter("src"))
    ws.repo("slow", subscriber("slow", "o/src", SLOW.format(pid=pidf)))
    p = subprocess.Popen([TAKO_BIN, "exec", "go", "--local"], cwd=src, env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not (pidf.exists() and pidf.read_text().strip()) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert pidf.exists()
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=60)
    finally:
        kill_if_running(p)
    assert p.returncode == 130, (out, err)
    assert err.splitlines()[-1] == "Error: workflow execution interrupted"
    assert not pid_alive(int(pidf.read_text()))
    rid = run_id_of(out)
    doc = state_of(env, rid)
    assert find_run(doc, "o/slow")["status"] == "cancelled"
    assert (ws.base / "home" / ".tako" / "workspaces" / rid).is_dir()


def nested_fan_out(ws, tmp_path, src_with, names="abcdef"):
    """src fans out to mid; mid's workflow fans out, one at a time, to slow grandchildren."""
    src = ws.repo("src", emitter("src", extra_with=src_with))
    fan = ("      - id: fan\n        uses: tako/fan-out@v1\n        with:\n          event_type: mid_ping\n"
           "          wait_for_children: true\n          concurrency_limit: 1\n")
    ws.repo("mid", subscriber("mid", "o/src", fan))
    for n in names:
        ws.repo(n, subscriber(n, "o/mid", SLOW.format(pid=tmp_path / f"{n}.pid"), event="mid_ping"))
    return src


def run_tako(src, env, timeout=60, on_start=None):
    """Runs tako in `src`; a hang fails the test (the process is killed) instead of hanging the suite."""
    p = subprocess.Popen([TAKO_BIN, "exec", "go", "--local"], cwd=src, env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    try:
        if on_start is not None:
            on_start(p)
        try:
            out, err = p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            pytest.fail(f"tako hung (no exit within {timeout}s)")
    finally:
        kill_if_running(p)
    return p.returncode, out, err


def test_nested_fan_out_timeout_cancels_the_waiting_child_and_ends(ws, env, tmp_path):
    """src's fan-out timeout cancels mid while mid waits for its children: mid's wait used to
    spin forever (its wait condition stayed true once mid was cancelled) and tako ignored
    SIGINT/SIGTERM. The running grandchild is killed, the pending ones never run."""
    names = "abcdef"
    src = nested_fan_out(ws, tmp_path, "          timeout: 4s\n", names)
    t0 = time.monotonic()
    code, out, err = run_tako(src, env)
    assert code == 1, (out, err)
    assert time.monotonic() - t0 < 45
    assert err.splitlines()[-1] == ("Error: workflow execution failed: step 'fan' failed: fan-out timed out after 4s: "
                                    "1 children still running (o/mid:react)"), err
    started = [n for n in names if (tmp_path / f"{n}.pid").exists()]
    assert started == ["a"], err
    assert not pid_alive(int((tmp_path / "a.pid").read_text()))
    doc = state_of(env, run_id_of(out))
    assert find_run(doc, "o/mid")["status"] == "timed_out"
    assert find_run(doc, "o/a")["status"] in ("timed_out", "cancelled")
    assert {n: find_run(doc, f"o/{n}")["status"] for n in names[1:]} == {n: "cancelled" for n in names[1:]}, err


def test_nested_fan_out_fail_fast_cancels_the_waiting_child_and_ends(ws, env, tmp_path):
    """The same with fail_fast: boom fails once grandchild a runs, which cancels mid while it waits."""
    names = "abcdef"
    pa = tmp_path / "a.pid"
    src = nested_fan_out(ws, tmp_path, "          fail_fast: true\n", names)
    ws.repo("boom", subscriber("boom", "o/src", f'      - id: boom\n        run: "while [ ! -s {pa} ]; do sleep 0.02; done; '
                                                f'exit 1"\n'))
    code, out, err = run_tako(src, env)
    assert code == 1, (out, err)
    assert err.splitlines()[-1].endswith(
        "2 of 2 child workflows failed: o/boom:react: step 'boom' failed: exit status 1; o/mid:react: cancelled"), err
    assert [n for n in names if (tmp_path / f"{n}.pid").exists()] == ["a"], err
    assert not pid_alive(int(pa.read_text()))
    doc = state_of(env, run_id_of(out))
    assert [find_run(doc, f"o/{n}")["status"] for n in ("mid", "a")] == ["cancelled", "cancelled"]
    assert {n: find_run(doc, f"o/{n}")["status"] for n in names[1:]} == {n: "cancelled" for n in names[1:]}, err


def test_nested_fan_out_interrupt_while_the_child_waits(ws, env, tmp_path):
    """SIGINT while mid waits for its (one running, five pending) children: tako stops at once."""
    import signal
    names = "abcdef"
    pa = tmp_path / "a.pid"
    src = nested_fan_out(ws, tmp_path, "", names)

    def interrupt(p):
        wait_for(lambda: pa.exists() and pa.read_text().strip(), what="grandchild a")
        p.send_signal(signal.SIGINT)

    code, out, err = run_tako(src, env, on_start=interrupt)
    assert code == 130, (out, err)
    assert err.splitlines()[-1] == "Error: workflow execution interrupted"
    assert [n for n in names if (tmp_path / f"{n}.pid").exists()] == ["a"], err
    assert not pid_alive(int(pa.read_text()))
    doc = state_of(env, run_id_of(out))
    assert {n: find_run(doc, f"o/{n}")["status"] for n in ("mid",) + tuple(names)} == {
        n: "cancelled" for n in ("mid",) + tuple(names)}, err
