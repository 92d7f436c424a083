"""Conventions of REFERENCE.md §1.1–1.2: help, version, completion, usage errors."""
import json
import re


def test_no_args_prints_help(tako):
    r = tako()
    assert r.code == 0
    assert r.out.startswith(
        "Tako is a command-line tool that simplifies multi-repository workflows by understanding the "
        "dependencies between your projects.\nIt allows you to run commands across your repositories in the "
        "correct order, ensuring that changes are built, tested, and released reliably.\n")
    for cmd in ["version", "completion", "validate", "graph", "run", "exec", "status", "eval", "render",
                "cache clean", "cache prune", "workspace clean"]:
        assert cmd in r.out
    assert tako("-h").out == r.out
    assert tako("--help").out == r.out


def test_every_command_has_help(tako):
    for cmd in [["graph"], ["run"], ["exec"], ["status"], ["eval"], ["render"], ["validate"], ["version"],
                ["cache", "clean"], ["cache", "prune"], ["workspace", "clean"], ["completion"]]:
        r = tako(*cmd, "--help")
        assert r.code == 0, cmd
        assert "Usage:" in r.out
        assert "--root" in r.out


def test_version(tako):
    r = tako("version")
    assert r.code == 0 and r.err == ""
    assert re.fullmatch(r"v\d+\.\d+\.\d+(-\S+)?\n", r.out)
    j = tako("version", "--json")
    assert json.loads(j.out) == {"version": r.out.strip()}


def test_usage_errors(tako):
    r = tako("frobnicate")
    assert r.code == 1 and r.out == ""
    assert r.err == 'Error: unknown command "frobnicate" for "tako"\nRun \'tako --help\' for usage.\n'
    r = tako("graph", "--frob")
    assert r.code == 1
    assert r.err == "Error: unknown flag: --frob\nRun 'tako graph --help' for usage.\n"
    r = tako("eval")
    assert r.err == "Error: accepts 1 arg(s), received 0\nRun 'tako eval --help' for usage.\n"
    r = tako("run")
    assert r.err == "Error: requires at least 1 arg(s), only received 0\nRun 'tako run --help' for usage.\n"
    r = tako("exec")
    assert r.code == 1
    r = tako("completion", "tcsh")
    assert r.err == ('Error: invalid argument "tcsh" for "tako completion"\n'
                     "Run 'tako completion --help' for usage.\n")


def test_completion_scripts(tako):
    for shell in ["bash", "zsh", "fish"]:
        r = tako("completion", shell)
        assert r.code == 0
        assert "tako" in r.out
        flag = "-l only" if shell == "fish" else "--only"
        for word in ["graph", "exec", flag, "dry-run"]:
            assert word in r.out, (shell, word)


def test_home_required(tako):
    r = tako("cache", "clean", extra_env={"TAKO_HOME": "", "HOME": ""})
    assert r.code == 1
    assert r.err == "Error: TAKO_E004: could not determine home directory; set TAKO_HOME or HOME\n"


def test_cache_clean_needs_confirm(tako, env, tmp_path):
    cache = tmp_path / "c"
    (cache / "repos" / "o" / "r" / "main").mkdir(parents=True)
    r = tako("cache", "clean", "--cache-dir", str(cache))
    assert r.code == 0
    assert r.out == f"This will delete the cache directory at {cache}. Use --confirm to proceed.\n"
    assert cache.exists()
    r = tako("cache", "clean", "--cache-dir", str(cache), "--confirm")
    assert r.code == 0
    assert r.out == "Cleaning cache...\nCache cleaned successfully.\n"
    assert not cache.exists()


def test_cache_clean_default_dir_and_tilde(tako, env):
    r = tako("cache", "clean")
    assert r.out.startswith(f"This will delete the cache directory at {env['TAKO_HOME']}/cache.")
    r = tako("cache", "clean", "--cache-dir", "~/elsewhere")
    assert f"{env['HOME']}/elsewhere" in r.out


def test_cache_prune(tako, tmp_path):
    import os
    import time
    cache = tmp_path / "c"
    old = cache / "repos" / "o" / "old" / "main"
    new = cache / "repos" / "o" / "new" / "main"
    for d in (old, new):
        d.mkdir(parents=True)
        (d / "tako.yml").write_text("version: '1'\n")
    steps = cache / "steps"
    steps.mkdir()
    (steps / "k1.json").write_text("{}")
    past = time.time() - 3 * 3600
    os.utime(old, (past, past))
    os.utime(steps / "k1.json", (past, past))
    r = tako("cache", "prune", "--cache-dir", str(cache), "--older-than", "1h")
    assert r.code == 0, r
    assert r.out == "Pruning cache...\nCache pruned successfully.\n"
    assert not (cache / "repos" / "o" / "old").exists()
    assert new.exists()
    assert not (steps / "k1.json").exists()
    r = tako("cache", "prune", "--cache-dir", str(cache), "--older-than", "5 minutes")
    assert r.code == 1
    assert 'time: unknown unit " minutes" in duration "5 minutes"' in r.err
    r = tako("cache", "prune", "--cache-dir", str(tmp_path / "missing"))
    assert r.code == 0
