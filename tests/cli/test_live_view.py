"""The live view (docs/CLI.md "Live view"): `tako exec` on a terminal, `tako status --watch` and the
progress line of `tako run`, driven through a real pseudo-terminal. Steps block on files the test
creates; the test reads the terminal until what it expects appears (with a deadline)."""
import errno
import fcntl
import os
import pty
import re
import select
import shutil
import signal
import struct
import subprocess
import termios
import time

import pytest

from conftest import TAKO_BIN
from test_exec_util import kill_if_running, newest_run_id, spawn, wait_for
from test_fanout_util import emitter, subscriber

SGR = re.compile(rb"\x1b\[[0-9;]*m")
ERASE = b"\x1b[J"


class Terminal:
    """tako on a pseudo-terminal: stdin, stdout and stderr are the slave; the test reads the master."""

    def __init__(self, env, *args, cwd=None, cols=160, rows=50, extra_env=None):
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        e = dict(env)
        e.setdefault("TERM", "xterm")
        e.update(extra_env or {})
        self.proc = subprocess.Popen([TAKO_BIN, *map(str, args)], cwd=cwd, env=e, stdin=slave, stdout=slave,
                                     stderr=slave, start_new_session=True)
        os.close(slave)
        self.master = master
        self.data = b""
        self.eof = False

    def _read(self, timeout):
        if self.eof:
            return
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return
        try:
            chunk = os.read(self.master, 65536)
        except OSError as e:  # EIO: every slave descriptor is closed (the process ended)
            if e.errno != errno.EIO:
                raise
            chunk = b""
        if chunk:
            self.data += chunk
        else:
            self.eof = True

    def read_until(self, pred, timeout=60.0, what="output"):
        """Reads until pred(data) is truthy; returns its value."""
        deadline = time.monotonic() + timeout
        while True:
            v = pred(self.data)
            if v:
                return v
            if self.eof or time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}; got {self.data!r}")
            self._read(0.05)

    def finish(self, timeout=60.0) -> int:
        """Reads to the end of the output; returns the exit code."""
        deadline = time.monotonic() + timeout
        while not self.eof and time.monotonic() < deadline:
            self._read(0.05)
        code = self.proc.wait(timeout=max(1.0, deadline - time.monotonic()))
        os.close(self.master)
        return code

    def kill(self):
        kill_if_running(self.proc)


@pytest.fixture
def terminals():
    started = []
    yield lambda *a, **k: started.append(Terminal(*a, **k)) or started[-1]
    for t in started:
        t.kill()


def after_last_erase(data: bytes) -> bytes:
    """What a user sees below the scrollback once the live area is gone: the text after its last erase."""
    return data[data.rfind(ERASE) + len(ERASE):] if ERASE in data else data


def blocking_step(release, line="hello from $TAKO_REPO", step="work"):
    return (f"      - id: {step}\n        run: |\n          echo \"{line}\"\n"
            f"          while [ ! -f {release} ]; do sleep 0.02; done\n")


def cascade(ws, tmp_path):
    """o/src fans out `ping` to o/app1 and o/app2, whose step prints a line and blocks on `release`."""
    release = tmp_path / "release"
    src = ws.repo("src", emitter("src"))
    for name in ("app1", "app2"):
        ws.repo(name, subscriber(name, "o/src", blocking_step(release)))
    return src, release


def single(ws, tmp_path):
    release = tmp_path / "release"
    body = "workflows:\n  go:\n    steps:\n" + blocking_step(release)
    return ws.repo("app", f'version: "1"\nmetadata: {{name: o/app}}\n' + body), release


def test_exec_draws_the_live_tree_then_the_summary(env, ws, tmp_path, terminals):
    src, release = cascade(ws, tmp_path)
    t = terminals(env, "exec", "go", "--local", "--max-concurrent-repos", "1", cwd=src)
    text = lambda: t.data.decode(errors="replace")
    # The running child's step with its last output line, and the queued child with its reason.
    running = t.read_until(lambda d: re.search(r"(o/app\d) \[RUNNING\] \d+s\r?\n.*● work \d+s │ hello from (o/app\d)",
                                               d.decode(errors="replace")), what="running child")
    assert running.group(1) == running.group(2)
    queued = t.read_until(lambda d: re.search(r"(o/app\d) \[PENDING\] - waiting for: concurrency slot",
                                              d.decode(errors="replace")), what="queued child")
    assert {queued.group(1), running.group(1)} == {"o/app1", "o/app2"}
    assert re.search(r"exec-\d{8}-\d{6}-[0-9a-f]{8} \(go\) \[RUNNING\] \d+s  runs: 0/3 done, 2 running, 1 queued",
                     text()), text()
    release.write_text("")
    assert t.finish() == 0, text()
    tail = after_last_erase(t.data).decode()
    # The last frame was erased and the normal summary follows it.
    assert "Execution completed: exec-" in tail, tail
    assert "[RUNNING]" not in tail and "● work" not in tail, tail
    # The lines printed while the view was drawn stay in the scrollback, above it.
    assert "[o/app1/work] hello from o/app1" in text() and "[o/app2/work] hello from o/app2" in text()


def test_no_color_removes_colours_but_not_the_view(env, ws, tmp_path, terminals):
    app, release = single(ws, tmp_path)
    coloured = {k: v for k, v in env.items() if k != "NO_COLOR"}
    for e, expect_colour in ((coloured, True), (env, False)):
        if release.exists():
            release.unlink()
        t = terminals(e, "exec", "go", cwd=app)
        t.read_until(lambda d: re.search(rb"work \d+s", d), what="running step")
        release.write_text("")
        assert t.finish() == 0, t.data
        assert b"\x1b[" in t.data and ERASE in t.data  # the view was drawn and erased
        assert bool(SGR.search(t.data)) == expect_colour, t.data


@pytest.mark.parametrize("how", [["--progress", "plain"], ["TERM=dumb"]])
def test_plain_lines_on_a_terminal(env, ws, tmp_path, terminals, how):
    app, release = single(ws, tmp_path)
    release.write_text("")  # the step does not block: the run is the same with and without a view
    args, extra = (how, {}) if how[0].startswith("--") else ([], {"TERM": "dumb"})
    t = terminals(env, "exec", "go", *args, cwd=app, extra_env=extra)
    assert t.finish() == 0, t.data
    out = t.data.decode()
    assert "\x1b" not in out, out  # no view, no cursor movement
    assert "[o/app/work] hello from o/app\r\n" in out
    assert re.search(r"Execution completed: exec-\S+", out), out


def test_progress_flag_is_checked(tako, ws, tmp_path):
    app, _ = single(ws, tmp_path)
    r = tako("exec", "go", "--progress", "fancy", cwd=app)
    assert r.code == 1
    assert r.err.startswith('Error: invalid argument "fancy" for "--progress" flag: must be one of auto, tty, plain\n')
    r = tako("run", "--local", "--progress", "x", "true", cwd=app)
    assert r.code == 1
    assert 'invalid argument "x" for "--progress" flag' in r.err


def test_status_watch_follows_a_run_from_another_terminal(env, ws, tmp_path, terminals):
    app, release = single(ws, tmp_path)
    runner = spawn(env, "exec", "go", cwd=app, out=tmp_path / "exec.out", err=tmp_path / "exec.err")
    try:
        run_id = wait_for(lambda: newest_run_id(env), what="the run in the store")
        t = terminals(env, "status", "--watch")
        t.read_until(lambda d: re.search(rb"\xe2\x97\x8f work \d+s \xe2\x94\x82 hello from o/app", d), what="live tree")
        assert run_id.encode() in t.data
        release.write_text("")
        assert runner.wait(timeout=60) == 0
        assert t.finish() == 0, t.data
    finally:
        kill_if_running(runner)
    tail = after_last_erase(t.data).decode()
    assert re.fullmatch(re.escape(run_id) + r" \(go\) \[COMPLETED\]\r\n└── o/app \[COMPLETED\] \(\d[^)]*\)\r\n", tail), tail


def test_status_watch_without_a_terminal_prints_the_final_tree(env, ws, tmp_path, tako):
    app, release = single(ws, tmp_path)
    runner = spawn(env, "exec", "go", cwd=app, out=tmp_path / "exec.out", err=tmp_path / "exec.err")
    watcher = None
    try:
        run_id = wait_for(lambda: newest_run_id(env), what="the run in the store")
        watcher = spawn(env, "status", "--watch", run_id)
        release.write_text("")
        out, err = watcher.communicate(timeout=60)
        assert watcher.returncode == 0, err
        assert runner.wait(timeout=60) == 0
    finally:
        kill_if_running(runner, watcher)
    assert re.fullmatch(re.escape(run_id) + r" \(go\) \[COMPLETED\]\n└── o/app \[COMPLETED\] \(\d[^)]*\)\n", out), out
    # Finished runs are printed at once.
    r = tako("status", "--watch", run_id)
    assert r.code == 0 and r.out == out, r


def test_status_watch_errors(tako, ws, tmp_path):
    r = tako("status", "--watch")
    assert (r.code, r.out, r.err) == (1, "", "Error: no running run to watch\n")
    r = tako("status", "--watch", "exec-20250101-000000-deadbeef")
    assert (r.code, r.err) == (1, "Error: run 'exec-20250101-000000-deadbeef' not found\n")
    r = tako("status", "--watch", "--json")
    assert r.code == 1 and r.err.startswith("Error: --watch cannot be used with --json\n"), r


def test_run_shows_done_total_on_a_terminal(env, ws, tmp_path, terminals):
    release = tmp_path / "release"
    ws.repo("r", "version: '1'\nmetadata:\n  name: o/r\ndependents:\n  - repo: o/a\n  - repo: o/b\n")
    ws.repo("a", "version: '1'\nmetadata:\n  name: o/a\n")
    ws.repo("b", "version: '1'\nmetadata:\n  name: o/b\n")
    # o/r ends at once; o/a and o/b block until the test releases them.
    command = f'echo "in $TAKO_REPO"; [ "$TAKO_REPO" = o/r ] || while [ ! -f {release} ]; do sleep 0.02; done'
    t = terminals(env, "run", "--local", "-j", "2", command, cwd=ws.src / "r")
    t.read_until(lambda d: b"[1/3] 2 running" in d, what="progress line")
    release.write_text("")
    assert t.finish() == 0, t.data
    tail = after_last_erase(t.data)
    assert not re.search(rb"\[\d+/\d+\] \d+ running", tail), tail
    # The commands' output went above the progress line and stayed.
    for repo in (b"o/r", b"o/a", b"o/b"):
        assert repo + b" | in " + repo + b"\r\n" in t.data


def test_run_shows_the_resolution_of_remote_repositories(env, ws, tmp_path, terminals):
    """Dependents that are cloned from their remotes: a `[done/total] resolving repositories` line while they are,
    erased before the commands run (with -j 1 too: no command owns the terminal yet)."""
    ws.repo("r", "version: '1'\nmetadata:\n  name: o/r\ndependents:\n  - repo: o/a\n  - repo: o/b\n")
    ws.repo("a", "version: '1'\nmetadata:\n  name: o/a\ndependents:\n  - repo: o/c\n")
    ws.repo("b", "version: '1'\nmetadata:\n  name: o/b\n")
    ws.repo("c", "version: '1'\nmetadata:\n  name: o/c\n")
    t = terminals(env, "run", "-j", "1", "true", cwd=ws.src / "r")
    assert t.finish() == 0, t.data
    # The first frame is drawn at once (o/a and o/b known, nothing resolved yet); o/c joins the total later.
    assert b"[0/2] resolving repositories: o/a" in t.data, t.data
    assert b"--- Running in o/c ---" in t.data
    assert b"resolving" not in after_last_erase(t.data)
    # Without the view: not a byte of it.
    t = terminals(env, "run", "-j", "1", "--progress", "plain", "true", cwd=ws.src / "r")
    assert t.finish() == 0, t.data
    assert b"resolving" not in t.data and b"\x1b[" not in t.data


def test_run_with_one_job_draws_no_progress_line(env, ws, tmp_path, terminals):
    ws.repo("r", "version: '1'\nmetadata:\n  name: o/r\n")
    t = terminals(env, "run", "--local", "-j", "1", "echo hi", cwd=ws.src / "r")
    assert t.finish() == 0, t.data
    assert t.data == b"--- Running in o/r ---\r\nhi\r\n"


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_the_screen_under_tmux(env, ws, tmp_path):
    """A real terminal emulator: the screen (tmux capture-pane) shows the running child, the queued one with its
    reason, and at the end the summary with no trace of the erased tree."""
    src, release = cascade(ws, tmp_path)
    sock = str(tmp_path / "tmux.sock")
    e = dict(env, TERM="xterm")
    tmux = lambda *a: subprocess.run(["tmux", "-S", sock, *a], env=e, capture_output=True, text=True, timeout=30)
    # `read` keeps the pane open after tako has exited, so that its last screen can be read.
    command = f"{TAKO_BIN} exec go --local --max-concurrent-repos 1; echo EXIT=$?; read x"
    assert tmux("new-session", "-d", "-x", "150", "-y", "45", "-c", str(src), command).returncode == 0
    try:
        screen = lambda: tmux("capture-pane", "-p").stdout
        wait_for(lambda: re.search(r"● work \d+s │ hello from o/app\d", screen()), timeout=60, what="running child")
        wait_for(lambda: "[PENDING] - waiting for: concurrency slot" in screen(), timeout=60, what="queued child")
        release.write_text("")
        wait_for(lambda: "EXIT=" in screen(), timeout=60, what="the end of tako exec")
        final = screen()
        assert "EXIT=0" in final, final
        assert "Execution completed: exec-" in final and "Success: true" in final, final
        assert "[RUNNING]" not in final and "[PENDING]" not in final and "● work" not in final, final
    finally:
        tmux("kill-server")


def test_status_watch_interrupted_erases_the_view(env, ws, tmp_path, terminals):
    app, release = single(ws, tmp_path)
    runner = spawn(env, "exec", "go", cwd=app, out=tmp_path / "exec.out", err=tmp_path / "exec.err")
    try:
        run_id = wait_for(lambda: newest_run_id(env), what="the run in the store")
        t = terminals(env, "status", "--watch", run_id)
        t.read_until(lambda d: b"[RUNNING]" in d, what="live tree")
        t.proc.send_signal(signal.SIGINT)
        assert t.finish() == 130
        assert after_last_erase(t.data) == b"Error: interrupted\r\n", t.data
        release.write_text("")
        assert runner.wait(timeout=60) == 0  # watching never disturbs the run
    finally:
        kill_if_running(runner)


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_an_error_stays_on_the_screen_above_the_view(env, ws, tmp_path):
    """A child fails while another still runs: its error output is on the screen above the live tree, not erased by it."""
    release = tmp_path / "release"
    src = ws.repo("src", emitter("src"))
    ws.repo("bad", subscriber("bad", "o/src", "      - id: broken\n        run: echo boom-error >&2; exit 3\n"))
    ws.repo("good", subscriber("good", "o/src", blocking_step(release)))
    sock = str(tmp_path / "tmux.sock")
    e = dict(env, TERM="xterm")
    tmux = lambda *a: subprocess.run(["tmux", "-S", sock, *a], env=e, capture_output=True, text=True, timeout=30)
    command = f"{TAKO_BIN} exec go --local; echo EXIT=$?; read x"
    assert tmux("new-session", "-d", "-x", "150", "-y", "45", "-c", str(src), command).returncode == 0
    try:
        screen = lambda: tmux("capture-pane", "-p").stdout
        # Both at once: the failed child's stderr line and, below it, the tree with the child still running.
        shown = wait_for(lambda: (lambda s: s if "[o/bad/broken] boom-error" in s and "● work" in s
                                  and "o/bad [FAILED]" in s else None)(screen()), timeout=60, what="error and tree")
        assert shown.index("[o/bad/broken] boom-error") < shown.index("● work"), shown
        release.write_text("")
        wait_for(lambda: "EXIT=" in screen(), timeout=60, what="the end of tako exec")
        assert "EXIT=1" in screen()
    finally:
        tmux("kill-server")
