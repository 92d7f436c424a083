"""Shared fixtures for the black-box CLI suite.

Every test gets its own TAKO_HOME, HOME and a scratch directory; `Workspace`
builds real git repositories with bare `file://` remotes, and `tako()` runs
the real binary (TAKO_BIN, default build/tako)."""

import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
TAKO_BIN = os.environ.get("TAKO_BIN", str(ROOT / "build" / "tako"))

GIT_ENV = {
    "GIT_AUTHOR_NAME": "tako-test",
    "GIT_AUTHOR_EMAIL": "test@example.invalid",
    "GIT_COMMITTER_NAME": "tako-test",
    "GIT_COMMITTER_EMAIL": "test@example.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
}


class Result:
    def __init__(self, proc):
        self.code = proc.returncode
        self.out = proc.stdout
        self.err = proc.stderr

    def __repr__(self):
        return f"Result(code={self.code}, out={self.out!r}, err={self.err!r})"


def git(*args, cwd=None, env=None):
    full_env = dict(os.environ)
    full_env.update(GIT_ENV)
    if env:
        full_env.update(env)
    return subprocess.run(["git", *args], cwd=cwd, env=full_env, check=True,
                          capture_output=True, text=True).stdout


class Workspace:
    """A scratch area: `src/` for working copies, `remotes/<owner>/<repo>.git` bare remotes."""

    def __init__(self, base: pathlib.Path, env: dict):
        self.base = base
        self.src = base / "src"
        self.remotes = base / "remotes"
        self.env = env
        self.src.mkdir(parents=True, exist_ok=True)
        self.remotes.mkdir(parents=True, exist_ok=True)
        env["TAKO_REMOTE_URL_TEMPLATE"] = f"file://{self.remotes}/{{owner}}/{{repo}}.git"

    def repo(self, name: str, tako_yml: str | None, files: dict | None = None, owner: str = "o",
             git_init: bool = True, remote: bool = True) -> pathlib.Path:
        """Creates src/<name> with tako.yml (and files), commits, and pushes to remotes/<owner>/<name>.git."""
        path = self.src / name
        path.mkdir(parents=True, exist_ok=True)
        if tako_yml is not None:
            (path / "tako.yml").write_text(tako_yml)
        for rel, content in (files or {}).items():
            p = path / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(content)
        if git_init:
            git("init", "-q", "-b", "main", cwd=path)
            git("add", "-A", cwd=path)
            git("commit", "-q", "-m", "init", "--allow-empty", cwd=path)
            if remote:
                bare = self.remotes / owner / f"{name}.git"
                bare.parent.mkdir(parents=True, exist_ok=True)
                git("init", "-q", "--bare", "-b", "main", str(bare))
                git("remote", "add", "origin", f"file://{bare}", cwd=path)
                git("push", "-q", "origin", "main", cwd=path)
        return path

    def push(self, name: str, message: str = "update"):
        path = self.src / name
        git("add", "-A", cwd=path)
        git("commit", "-q", "-m", message, cwd=path)
        git("push", "-q", "origin", "HEAD", cwd=path)


@pytest.fixture
def env(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    e = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "TAKO_HOME": str(home / ".tako"),
        "LANG": "C.UTF-8",
        "NO_COLOR": "1",
        "TMPDIR": str(tmp_path),
        "TZ": os.environ.get("TZ", "UTC"),
    }
    e.update(GIT_ENV)
    return e


@pytest.fixture
def ws(tmp_path, env):
    return Workspace(tmp_path, env)


@pytest.fixture
def tako(env):
    """tako(*args, cwd=None, input=None, extra_env=None, timeout=60) -> Result"""

    def run(*args, cwd=None, input=None, extra_env=None, timeout=60):
        e = dict(env)
        if extra_env:
            e.update(extra_env)
        proc = subprocess.run([TAKO_BIN, *map(str, args)], cwd=cwd, env=e, input=input,
                              capture_output=True, text=True, timeout=timeout)
        return Result(proc)

    return run
