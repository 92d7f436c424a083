"""`tako run` (REFERENCE.md §1.5, §6) over real git repositories."""
import os
import re
import signal
import subprocess
import time

import pytest

from conftest import TAKO_BIN
from test_exec_util import kill_if_running, wait_for


def yml(name, dependents=()):
    deps = "".join(f"  - repo: o/{d}\n" for d in dependents)
    return f"version: '1'\nmetadata:\n  name: o/{name}\n" + (f"dependents:\n{deps}" if deps else "")


@pytest.fixture
def tree(ws):
    """root -> {a -> b -> c, d -> e}"""
    ws.repo("root", yml("root", ["a", "d"]))
    ws.repo("a", yml("a", ["b"]))
    ws.repo("b", yml("b", ["c"]))
    ws.repo("c", yml("c"))
    ws.repo("d", yml("d", ["e"]))
    ws.repo("e", yml("e"))
    return ws.src / "root"


def test_dry_run_in_topological_order(tako, tree):
    r = tako("run", "--local", "--dry-run", "make", "test", cwd=tree)
    assert r.code == 0, r
    assert r.out == "".join(f"[dry-run] o/{n}: make test\n" for n in ["root", "a", "b", "c", "d", "e"])
    assert r.err == ""


def test_serial_runs_in_order_with_env(tako, tree):
    r = tako("run", "--local", "--serial", 'echo "$TAKO_REPO $(basename $PWD)"', cwd=tree)
    assert r.code == 0, r
    lines = r.out.splitlines()
    expected = []
    for n in ["root", "a", "b", "c", "d", "e"]:
        expected += [f"--- Running in o/{n} ---", f"o/{n} {n}"]
    assert lines == expected


def test_parallel_prefixes_lines(tako, tree):
    r = tako("run", "--local", "-j", "3", "echo out; echo err >&2; printf partial", cwd=tree)
    assert r.code == 0, r
    for n in ["root", "a", "b", "c", "d", "e"]:
        assert f"--- Running in o/{n} ---\n" in r.out
        assert f"o/{n} | out\n" in r.out
        assert f"o/{n} | partial\n" in r.out
        assert f"o/{n} | err\n" in r.err


def test_dependency_order_is_respected_in_parallel(tako, tree, tmp_path):
    log = tmp_path / "order.log"
    r = tako("run", "--local", "-j", "4", f'echo "start $TAKO_REPO" >> {log}; sleep 0.05; echo "end $TAKO_REPO" >> {log}',
             cwd=tree)
    assert r.code == 0, r
    events = log.read_text().splitlines()
    pos = {e: i for i, e in enumerate(events)}
    for up, down in [("root", "a"), ("a", "b"), ("b", "c"), ("root", "d"), ("d", "e")]:
        assert pos[f"end o/{up}"] < pos[f"start o/{down}"], events


def test_jobs_limit_respected(tako, ws, tmp_path):
    ws.repo("hub", yml("hub", [f"leaf{i}" for i in range(6)]))
    for i in range(6):
        ws.repo(f"leaf{i}", yml(f"leaf{i}"))
    log = tmp_path / "conc.log"
    cmd = f'echo + >> {log}; sleep 0.1; echo - >> {log}'
    r = tako("run", "--local", "-j", "2", cmd, cwd=ws.src / "hub")
    assert r.code == 0, r
    level = peak = 0
    for line in log.read_text().split():
        level += 1 if line == "+" else -1
        peak = max(peak, level)
    assert peak <= 2
    assert log.read_text().count("+") == 7


def test_failure_stops_new_starts(tako, tree):
    r = tako("run", "--local", "--serial", '[ "$TAKO_REPO" != o/a ] || exit 3', cwd=tree)
    assert r.code == 1
    assert "--- Running in o/b ---" not in r.out
    assert "--- Running in o/d ---" not in r.out
    assert r.err.endswith("Error: command failed in o/a: exit status 3\n")


def test_continue_on_error_skips_downstream(tako, tree):
    r = tako("run", "--local", "--serial", "--continue-on-error", "--summarize-errors",
             '[ "$TAKO_REPO" != o/a ] || exit 3', cwd=tree)
    assert r.code == 1
    assert "--- Skipping o/b (dependency o/a failed) ---" in r.out
    assert "--- Skipping o/c (dependency o/a failed) ---" in r.out
    assert "--- Running in o/e ---" in r.out
    assert r.err == ("Summary: 3 succeeded, 1 failed, 2 skipped\n"
                     "  \u2717 o/a: exit status 3\n  - o/b: skipped\n  - o/c: skipped\n"
                     "Error: command failed in o/a: exit status 3\n")


def test_several_failures(tako, tree):
    r = tako("run", "--local", "--serial", "--continue-on-error", 'case $TAKO_REPO in o/c|o/e) exit 1;; esac',
             cwd=tree)
    assert r.code == 1
    assert r.err.endswith("Error: command failed in 2 repositories: o/c, o/e\n")


def test_summarize_on_success(tako, tree):
    r = tako("run", "--local", "--summarize-errors", "true", cwd=tree)
    assert r.code == 0
    assert r.err == "Summary: 6 succeeded, 0 failed, 0 skipped\n"


def test_signal_exit_reported(tako, tree):
    r = tako("run", "--local", "--serial", "--only", "o/c", "kill -9 $$", cwd=tree)
    assert r.code == 1
    assert r.err.endswith("Error: command failed in o/c: signal: killed\n")


def test_only_and_ignore(tako, tree):
    r = tako("run", "--local", "--dry-run", "--ignore", "o/b", "x", cwd=tree)
    assert [l.split(":")[0] for l in r.out.splitlines()] == ["[dry-run] o/root", "[dry-run] o/a",
                                                            "[dry-run] o/d", "[dry-run] o/e"]
    r = tako("run", "--local", "--dry-run", "--only", "O/A", "--ignore=o/c", "x", cwd=tree)
    assert r.out == "[dry-run] o/a: x\n[dry-run] o/b: x\n"
    r = tako("run", "--local", "--dry-run", "--only", "o/c,o/e", "x", cwd=tree)
    assert r.out == "[dry-run] o/c: x\n[dry-run] o/e: x\n"


def test_unknown_only_repository(tako, tree):
    r = tako("run", "--local", "--only", "o/nope", "true", cwd=tree)
    assert r.code == 1
    assert r.err == 'Error: repository "o/nope" not found in the graph\n'


def test_nothing_matched(tako, tree):
    r = tako("run", "--local", "--ignore", "o/root", "true", cwd=tree)
    assert r.code == 0
    assert r.out == "Warning: No repositories matched the filter criteria.\n"


def test_bad_jobs_value(tako, tree):
    r = tako("run", "-j", "0", "true", cwd=tree)
    assert r.code == 1
    assert "Run 'tako run --help' for usage." in r.err


def test_runs_in_cloned_checkouts(tako, tree, env):
    r = tako("run", "--serial", "pwd", cwd=tree)
    assert r.code == 0, r
    assert f"{env['TAKO_HOME']}/cache/repos/o/c/main\n" in r.out


def test_lock_contention_waits_then_times_out(tako, ws, env, tmp_path):
    ws.repo("solo", yml("solo"))
    ready = tmp_path / "ready"
    e = dict(env)
    holder = subprocess.Popen([TAKO_BIN, "run", "--local", f"touch {ready}; sleep 30"], cwd=ws.src / "solo",
                              env=e, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.time() + 20
        while not ready.exists():
            assert time.time() < deadline
            time.sleep(0.02)
        r = tako("run", "--local", "--lock-timeout", "300ms", "true", cwd=ws.src / "solo")
        assert r.code == 1
        assert re.search(r"waiting for lock on o/solo \(held by run tako-run, pid \d+\)\n", r.err), r.err
        assert re.search(r"Error: command failed in o/solo: timed out after 300ms waiting for lock on o/solo "
                         r"\(held by run tako-run, pid \d+\)\n$", r.err), r.err
    finally:
        os.killpg(holder.pid, signal.SIGKILL)
        holder.wait()


def test_sigint_stops_children_and_leaves_no_lock(tako, ws, env, tmp_path):
    ws.repo("solo", yml("solo"))
    ready = tmp_path / "ready"
    pidfile = tmp_path / "pid"
    p = subprocess.Popen([TAKO_BIN, "run", "--local", f"echo $$ > {pidfile}; touch {ready}; sleep 60"],
                         cwd=ws.src / "solo", env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 20
    while not ready.exists():
        assert time.time() < deadline
        time.sleep(0.02)
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=20)
    assert p.returncode == 130
    assert err.endswith("Error: interrupted\n")
    child = int(pidfile.read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(child, 0)
    # the lock is free again: a second run gets through at once
    r = tako("run", "--local", "--lock-timeout", "1s", "true", cwd=ws.src / "solo")
    assert r.code == 0, r


def test_clone_waits_for_the_cache_lock(tako, ws, env):
    """§3.2/§14: clone and update of a checkout happen under <cache>/locks/<owner>+<repo>+<ref>.lock."""
    import fcntl
    ws.repo("top", yml("top", ["dep"]))
    ws.repo("dep", yml("dep"))
    locks = os.path.join(env["TAKO_HOME"], "cache", "locks")
    os.makedirs(locks, exist_ok=True)
    with open(os.path.join(locks, "o+dep+main.lock"), "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        r = tako("run", "--lock-timeout", "300ms", "true", cwd=ws.src / "top")
        assert r.code == 1
        assert "waiting for lock on o/dep:main" in r.err
        assert r.err.rstrip().endswith("timed out after 300ms waiting for lock on o/dep:main "
                                       "(held by run unknown, pid unknown)"), r.err
    r = tako("run", "--lock-timeout", "300ms", "true", cwd=ws.src / "top")
    assert r.code == 0, r
    assert os.path.isdir(os.path.join(env["TAKO_HOME"], "cache", "repos", "o", "dep", "main"))


def hold_lock(ws, env, tmp_path, name):
    """A `tako run` in repository `name` that holds its lock until tmp_path/release exists;
    returned once it holds the lock."""
    held, release = tmp_path / "held", tmp_path / "release"
    holder = subprocess.Popen([TAKO_BIN, "run", "--local", f"touch {held}; while [ ! -f {release} ]; do sleep 0.02; done"],
                              cwd=ws.src / name, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(held.exists, what=f"the holder's lock on o/{name}")
    except BaseException:
        kill_if_running(holder)
        raise
    return holder


@pytest.fixture
def fork(ws):
    """top -> {x, y}"""
    ws.repo("top", yml("top", ["x", "y"]))
    ws.repo("x", yml("x"))
    ws.repo("y", yml("y"))
    return ws.src / "top"


def test_lock_wait_does_not_hold_up_other_repositories(ws, env, tmp_path, fork):
    """While one repository waits for its lock, the others start and their output is printed."""
    release = tmp_path / "release"
    holder = hold_lock(ws, env, tmp_path, "x")
    out, err = tmp_path / "out", tmp_path / "err"
    p = None
    try:
        cmd = (f'if [ "$TAKO_REPO" = o/y ]; then echo y-started; while [ ! -f {release} ]; do sleep 0.02; done; fi; '
               f'echo "done $TAKO_REPO"')
        with open(out, "w") as o, open(err, "w") as e:
            p = subprocess.Popen([TAKO_BIN, "run", "--local", "-j", "2", "--lock-timeout", "60s", cmd],
                                 cwd=fork, env=env, stdout=o, stderr=e)
        # o/x waits for its lock; o/y runs meanwhile and its output comes through.
        wait_for(lambda: "o/y | y-started\n" in out.read_text(), what="o/y's output")
        assert re.search(r"waiting for lock on o/x \(held by run tako-run, pid \d+\)\n", err.read_text())
        assert "done o/x" not in out.read_text()
        release.write_text("")
        assert holder.wait(timeout=60) == 0
        assert p.wait(timeout=60) == 0, err.read_text()
    finally:
        release.write_text("")
        kill_if_running(holder, p)
    text = out.read_text()
    assert text.index("o/y | y-started") < text.index("o/x | done o/x"), text
    assert "o/y | done o/y\n" in text



def test_failure_elsewhere_ends_a_lock_wait(tako, ws, env, tmp_path, fork):
    """Without --continue-on-error a failure starts nothing new: a repository still waiting for
    its lock is not started, and tako does not wait out --lock-timeout for it."""
    holder = hold_lock(ws, env, tmp_path, "x")
    try:
        r = tako("run", "--local", "-j", "2", "--lock-timeout", "10m", '[ "$TAKO_REPO" != o/y ]', cwd=fork, timeout=30)
    finally:
        (tmp_path / "release").write_text("")
        assert holder.wait(timeout=60) == 0
    assert r.code == 1, r
    assert r.err.endswith("Error: command failed in o/y: exit status 1\n"), r.err
    assert "--- Running in o/x ---" in r.out and "o/x |" not in r.out


def test_sigint_during_a_lock_wait(ws, env, tmp_path):
    ws.repo("solo", yml("solo"))
    holder = hold_lock(ws, env, tmp_path, "solo")
    p = None
    try:
        err = tmp_path / "err"
        with open(err, "w") as e:
            p = subprocess.Popen([TAKO_BIN, "run", "--local", "true"], cwd=ws.src / "solo", env=env,
                                 stdout=subprocess.DEVNULL, stderr=e)
        wait_for(lambda: "waiting for lock on o/solo" in err.read_text(), what="the wait message")
        p.send_signal(signal.SIGINT)
        assert p.wait(timeout=20) == 130, err.read_text()
        assert err.read_text().endswith("Error: interrupted\n"), err.read_text()
    finally:
        (tmp_path / "release").write_text("")
        kill_if_running(p)
        assert holder.wait(timeout=60) == 0
