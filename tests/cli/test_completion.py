"""Completion (REFERENCE.md §1.2, docs/CLI.md "Completion"): the scripts load in bash, zsh and fish,
and complete commands, flags and dynamic values (workflow names, run ids, repository identities)
through the hidden `tako __complete`."""
import json
import os
import pathlib
import shlex
import shutil
import subprocess

import pytest

from conftest import TAKO_BIN

BASH_COMPLETION = "/usr/share/bash-completion/bash_completion"

APP = """\
version: "1"
metadata: {name: o/app}
dependents:
  - repo: o/lib
workflows:
  deploy: {steps: [echo d]}
  build: {steps: [echo b]}
"""


@pytest.fixture
def shell_env(env):
    e = dict(env)
    e["PATH"] = str(pathlib.Path(TAKO_BIN).resolve().parent) + os.pathsep + e["PATH"]
    return e


@pytest.fixture
def app(ws):
    ws.repo("lib", "version: '1'\nmetadata: {name: o/lib}\nworkflows:\n  w: {steps: [echo]}\n")
    return ws.repo("app", APP)


def script(tako, shell):
    r = tako("completion", shell)
    assert r.code == 0 and r.err == ""
    return r.out


def bash_complete(words, cwd, env, line=None, bash_completion=False):
    """Calls _tako as bash would for the command line `words` (cursor in the last word)."""
    line = line if line is not None else " ".join(words)
    prog = "\n".join([
        f"source {BASH_COMPLETION}" if bash_completion else "",
        "source <(tako completion bash)",
        "COMP_WORDS=(" + " ".join(shlex.quote(w) for w in words) + ")",
        f"COMP_CWORD={len(words) - 1}",
        f"COMP_LINE={shlex.quote(line)}",
        "COMP_POINT=${#COMP_LINE}",
        "_tako",
        'printf "%s\\n" "${COMPREPLY[@]}"',
    ])
    r = subprocess.run(["bash", "-c", prog], cwd=cwd, env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return [l for l in r.stdout.splitlines() if l]


def test_bash_registers(tako, shell_env, tmp_path):
    r = subprocess.run(["bash", "-c", "source <(tako completion bash) && complete -p tako"], env=shell_env,
                       cwd=tmp_path, capture_output=True, text=True)
    assert (r.returncode, r.stdout, r.stderr) == (0, "complete -F _tako tako\n", "")


def test_bash_commands_and_flags(shell_env, tmp_path):
    cmds = bash_complete(["tako", ""], tmp_path, shell_env)
    assert "exec" in cmds and "init" in cmds and "list" in cmds and "schema" in cmds
    assert not any(c.startswith("__") for c in cmds)
    assert sorted(bash_complete(["tako", "ca"], tmp_path, shell_env)) == ["cache", "cancel"]
    assert bash_complete(["tako", "cac"], tmp_path, shell_env) == ["cache"]
    assert "gc" in cmds and "logs" in cmds
    assert bash_complete(["tako", "cache", ""], tmp_path, shell_env) == ["clean", "prune"]
    assert bash_complete(["tako", "exec", "--dr"], tmp_path, shell_env) == ["--dry-run"]
    assert bash_complete(["tako", "graph", "--f"], tmp_path, shell_env) == ["--format"]
    assert "--dry-run" not in bash_complete(["tako", "graph", "--"], tmp_path, shell_env)
    assert bash_complete(["tako", "graph", "--format", "m"], tmp_path, shell_env) == ["mermaid"]
    assert bash_complete(["tako", "exec", "--isolation", ""], tmp_path, shell_env) == ["shared", "worktree"]
    assert bash_complete(["tako", "completion", "f"], tmp_path, shell_env) == ["fish"]
    assert bash_complete(["tako", "cache", "prune", "--o"], tmp_path, shell_env) == ["--older-than"]


def test_bash_exec_workflows(app, shell_env):
    assert bash_complete(["tako", "exec", ""], app, shell_env) == ["build", "deploy"]
    assert bash_complete(["tako", "exec", "d"], app, shell_env) == ["deploy"]
    # Flags before the workflow and their values are skipped; a second argument gets nothing.
    assert bash_complete(["tako", "--local", "exec", "--max-depth", "3", "b"], app, shell_env) == ["build"]
    assert bash_complete(["tako", "exec", "build", ""], app, shell_env) == []
    # --root of the line being completed chooses the repository.
    assert bash_complete(["tako", "exec", "--root", str(app), ""], app.parent, shell_env) == ["build", "deploy"]


def test_bash_repositories_for_only_and_ignore(app, shell_env):
    assert bash_complete(["tako", "run", "--local", "--only", ""], app, shell_env) == ["o/app", "o/lib"]
    assert bash_complete(["tako", "run", "--local", "--ignore", "o/app,o/l"], app, shell_env) == ["o/app,o/lib"]
    # The value being completed is not passed on as --repo.
    assert bash_complete(["tako", "--repo", "o/"], app, shell_env) == ["o/app", "o/lib"]
    # With bash-completion loaded, --only=<value> is completed too.
    got = bash_complete(["tako", "run", "--local", "--only", "=", "o/a"], app, shell_env,
                        line="tako run --local --only=o/a", bash_completion=True)
    assert got == ["o/app"]


def test_bash_run_ids(app, tako, shell_env):
    assert tako("exec", "build", cwd=app).code == 0
    assert tako("exec", "deploy", cwd=app).code == 0
    ids = [row["run_id"] for row in json.loads(tako("status", "--json").out)]
    assert len(ids) == 2
    assert bash_complete(["tako", "status", ""], app, shell_env) == ids  # newest first, as status lists them
    assert bash_complete(["tako", "exec", "--resume", ""], app, shell_env) == ids
    assert bash_complete(["tako", "exec", "--resume", ids[0][:-3]], app, shell_env) == [ids[0]]


def test_hidden_complete_command(app, tako, tmp_path):
    r = tako("__complete", "workflows", cwd=app)
    assert (r.code, r.out) == (0, "build\ndeploy\n")
    r = tako("__complete", "repos", "--root", app)
    assert (r.code, r.out) == (0, "o/app\no/lib\n")  # always --local: no network
    assert tako("__complete", "runs").out == ""
    bad = tako("__complete", "nope")
    assert bad.code == 1
    assert bad.err == ('Error: invalid argument "nope" for "tako __complete"\n'
                       "Run 'tako __complete --help' for usage.\n")
    missing = tako("__complete", "workflows", cwd=tmp_path)
    assert missing.code == 1
    assert "could not read config file" in missing.err
    assert "__complete" not in tako("--help").out


def test_hidden_complete_with_repo_flag(app, tako, ws):
    # Fill the cache the ordinary way (a clone from the file:// remote), then complete from it.
    assert tako("graph", "--repo", "o/app").code == 0
    r = tako("__complete", "workflows", "--repo", "o/app", cwd=ws.base)
    assert (r.code, r.out) == (0, "build\ndeploy\n")
    bad = tako("__complete", "workflows", "--repo", "nope")
    assert bad.code == 1 and "TAKO_E005" in bad.err
    missing = tako("__complete", "workflows", "--repo", "o/absent")
    assert missing.code == 1 and "TAKO_E006" in missing.err  # the cache only: no clone
    r = tako("__complete", "repos", cwd=ws.base)
    assert r.code == 1 and "could not read config file" in r.err


def test_runs_reports_status_failure(tako, app):
    # No home directory: the status call fails and says why.
    r = tako("__complete", "runs", extra_env={"TAKO_HOME": "", "HOME": ""})
    assert r.code == 1
    assert r.err == ("Error: tako status failed: TAKO_E004: could not determine home directory; "
                     "set TAKO_HOME or HOME\n")


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is installed by scripts/install-deps.sh")
def test_zsh_loads(tako, shell_env, tmp_path):
    path = tmp_path / "_tako"
    path.write_text(script(tako, "zsh"))
    r = subprocess.run(["zsh", "-n", str(path)], capture_output=True, text=True)
    assert (r.returncode, r.stderr) == (0, "")
    r = subprocess.run(["zsh", "-c", "autoload -U compinit; compinit -u; source <(tako completion zsh); "
                        "print -r -- $_comps[tako]"], env=shell_env, cwd=tmp_path, capture_output=True, text=True)
    assert (r.returncode, r.stdout, r.stderr) == (0, "_tako\n", "")
    # Autoloaded from $fpath, as an installed _tako is.
    r = subprocess.run(["zsh", "-c", f"fpath=({tmp_path} $fpath); autoload -U compinit; compinit -u; "
                        "print -r -- $_comps[tako]"], env=shell_env, cwd=tmp_path, capture_output=True, text=True)
    assert (r.returncode, r.stdout.strip()) == (0, "_tako")


ZSH_STUBS = r"""
compdef() { :; }
compset() { return 0; }
_files() { print -r -- "<files $*>"; }
compadd() {
  while [[ $# -gt 0 && $1 != -- ]]; do shift; done
  shift
  print -rl -- "$@"
}
"""


def zsh_complete(words, cwd, env):
    """Runs _tako with `words` (cursor in the last one) and compadd/compset stubbed to print."""
    prog = ZSH_STUBS + "source <(tako completion zsh)\n" + \
        "words=(" + " ".join(shlex.quote(w) for w in words) + ")\n" + f"CURRENT={len(words)}\n_tako || :\n"
    r = subprocess.run(["zsh", "-f", "-c", prog], cwd=cwd, env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and r.stderr == "", r.stderr
    return [l for l in r.stdout.splitlines() if l]


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is installed by scripts/install-deps.sh")
def test_zsh_values(app, shell_env):
    assert zsh_complete(["tako", "exec", ""], app, shell_env) == ["build", "deploy"]
    assert zsh_complete(["tako", "exec", "build", ""], app, shell_env) == []
    assert "--dry-run" in zsh_complete(["tako", "exec", "--d"], app, shell_env)
    assert zsh_complete(["tako", "graph", "--format", ""], app, shell_env) == ["tree", "dot", "json", "mermaid"]
    assert zsh_complete(["tako", "run", "--local", "--only", ""], app, shell_env) == ["o/app", "o/lib"]
    assert zsh_complete(["tako", "--root", ""], app, shell_env) == ["<files -/>"]
    assert zsh_complete(["tako", "workspace", ""], app, shell_env) == ["clean"]
    cmds = zsh_complete(["tako", ""], app, shell_env)
    assert "list" in cmds and not any(c.startswith("__") for c in cmds)


def fish(cmd, cwd, env):
    r = subprocess.run(["fish", "--no-config", "-c", "source (tako completion fish | psub); " + cmd],
                       cwd=cwd, env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and r.stderr == "", r.stderr
    return [l.split("\t")[0] for l in r.stdout.splitlines()]


@pytest.mark.skipif(shutil.which("fish") is None, reason="fish is installed by scripts/install-deps.sh")
def test_fish(tako, app, shell_env):
    r = subprocess.run(["fish", "--no-execute"], input=script(tako, "fish"), capture_output=True, text=True)
    assert (r.returncode, r.stderr) == (0, "")
    assert "exec" in fish("complete -C 'tako '", app, shell_env)
    assert fish("complete -C 'tako exec '", app, shell_env) == ["build", "deploy"]
    assert fish("complete -C 'tako exec build '", app, shell_env) == []
    assert fish("complete -C 'tako exec --dry'", app, shell_env) == ["--dry-run"]
    assert fish("complete -C 'tako graph --format '", app, shell_env) == ["dot", "json", "mermaid", "tree"]
    assert fish("complete -C 'tako run --local --only '", app, shell_env) == ["o/app", "o/lib"]
    assert fish("complete -C 'tako cache '", app, shell_env) == ["clean", "prune"]
