"""Worktree isolation of child runs (REFERENCE.md §10.7)."""
import re
import subprocess

import pytest

from test_fanout_util import emitter, find_run, run_id_of, state_of, subscriber, yml


def worktrees(path):
    out = subprocess.run(["git", "-C", str(path), "worktree", "list", "--porcelain"], capture_output=True, text=True,
                         check=True).stdout
    return [l.split(" ", 1)[1] for l in out.splitlines() if l.startswith("worktree ")]


def child_steps(record, fail=False):
    return (f'      - run: |\n'
            f'          echo "$PWD" > {record}\n'
            f'          test ! -e UNCOMMITTED || echo leaked >> {record}\n'
            f'          touch CHILD_MADE\n'
            + ('          exit 5\n' if fail else ''))


@pytest.mark.parametrize("how", ["with", "flag"])
def test_worktree_isolation_success(tako, ws, env, tmp_path, how):
    record = tmp_path / "record"
    extra = "          isolation: worktree\n" if how == "with" else ""
    src = ws.repo("src", emitter("src", extra_with=extra))
    sub = ws.repo("sub", subscriber("sub", "o/src", child_steps(record)))
    (sub / "UNCOMMITTED").write_text("local change\n")
    args = ["exec", "go", "--local", "--preserve-tmp"] + (["--isolation", "worktree"] if how == "flag" else [])
    r = tako(*args, cwd=src)
    assert r.code == 0, r
    lines = record.read_text().splitlines()
    assert lines == [lines[0]], lines                      # no "leaked" line
    rid = run_id_of(r.out)
    child = find_run(state_of(env, rid), "o/sub")
    assert child["isolation"] == "worktree"
    assert re.fullmatch(re.escape(env["TAKO_HOME"]) + r"/workspaces/" + rid + r"/children/exec-[0-9a-z-]+/worktree",
                        lines[0]), lines[0]
    assert child["worktree"] == lines[0]
    assert not (sub / "CHILD_MADE").exists()
    assert (sub / "UNCOMMITTED").read_text() == "local change\n"
    # Removed on success (also from git's list), although the workspace was preserved.
    assert worktrees(sub) == [str(sub)]
    assert not (tmp_path / lines[0]).exists()


def test_worktree_kept_on_failure(tako, ws, env, tmp_path):
    record = tmp_path / "record"
    src = ws.repo("src", emitter("src", extra_with="          isolation: worktree\n"))
    sub = ws.repo("sub", subscriber("sub", "o/src", child_steps(record, fail=True)))
    r = tako("exec", "go", "--local", cwd=src)
    assert r.code == 1, r
    wt = record.read_text().splitlines()[0]
    assert (tmp_path / wt / "CHILD_MADE").exists()
    assert wt in worktrees(sub)
    assert not (sub / "CHILD_MADE").exists()
    assert find_run(state_of(env, run_id_of(r.out)), "o/sub")["worktree"] == wt


def test_shared_isolation_is_the_checkout(tako, ws, tmp_path):
    record = tmp_path / "record"
    src = ws.repo("src", emitter("src"))
    sub = ws.repo("sub", subscriber("sub", "o/src", child_steps(record)))
    (sub / "UNCOMMITTED").write_text("x")
    r = tako("exec", "go", "--local", cwd=src)
    assert r.code == 0, r
    assert record.read_text().splitlines() == [str(sub), "leaked"]
    assert (sub / "CHILD_MADE").exists()


def test_with_isolation_overrides_flag(tako, ws, tmp_path):
    record = tmp_path / "record"
    src = ws.repo("src", emitter("src", extra_with="          isolation: shared\n"))
    sub = ws.repo("sub", subscriber("sub", "o/src", child_steps(record)))
    r = tako("exec", "go", "--local", "--isolation", "worktree", cwd=src)
    assert r.code == 0, r
    assert record.read_text().splitlines() == [str(sub)]


def test_worktree_requires_git(tako, ws):
    src = ws.repo("src", emitter("src", extra_with="          isolation: worktree\n"))
    sub = ws.repo("sub", subscriber("sub", "o/src", "      - run: touch RAN\n"), git_init=False)
    r = tako("exec", "go", "--local", cwd=src)
    assert r.code == 1, r
    assert r.err.splitlines()[-1] == (
        "Error: workflow execution failed: step 'fan' failed: fan-out failed: 1 of 1 child workflows failed: "
        f"o/sub:react: isolation 'worktree' requires a git repository with at least one commit: {sub}")
    assert not (sub / "RAN").exists()
