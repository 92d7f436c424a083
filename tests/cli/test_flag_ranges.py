"""Unknown flags of the bare `tako` and the range of every numeric and duration flag (REFERENCE.md §1.1:
a usage error names the flag and exits 1; nothing runs)."""
import pytest


def usage(msg, command=""):
    hint = f"Run 'tako {command} --help' for usage." if command else "Run 'tako --help' for usage."
    return f"Error: {msg}\n{hint}\n"


@pytest.mark.parametrize("args,msg,command", [
    (["--bogus"], "unknown flag: --bogus", ""),
    (["--bogus=1"], "unknown flag: --bogus", ""),
    (["-x"], "unknown shorthand flag: 'x' in -x", ""),
    (["-hx"], "unknown shorthand flag: 'x' in -hx", ""),
    (["--json"], "unknown flag: --json", ""),
    (["--root", "/tmp", "--frob"], "unknown flag: --frob", ""),
    (["cache", "--bogus"], "unknown flag: --bogus", "cache"),
    (["workspace", "-q"], "unknown shorthand flag: 'q' in -q", "workspace"),
])
def test_unknown_flags_without_a_command(tako, args, msg, command):
    r = tako(*args)
    assert r.code == 1, r
    assert r.out == ""
    assert r.err == usage(msg, command)


def test_known_global_flags_alone_still_print_help(tako):
    for args in ([], ["--no-color"], ["--root", "/tmp"], ["--local", "cache"], ["--bogus", "-h"]):
        r = tako(*args)
        assert r.code == 0 and r.err == "", (args, r)
        assert r.out.startswith("Tako is a command-line tool") or "cache" in r.out, (args, r)


@pytest.fixture
def app(ws):
    return ws.repo("app", "version: '1'\nworkflows:\n  w:\n    inputs:\n      n: {type: number}\n"
                          "    steps:\n      - run: echo ran > ran.txt\n")


@pytest.mark.parametrize("command,args,msg", [
    (["exec", "w"], ["--lock-timeout", "-1s"], 'invalid argument "-1s" for "--lock-timeout" flag: must not be negative'),
    (["exec", "w"], ["--lock-timeout=-0.5h"], 'invalid argument "-0.5h" for "--lock-timeout" flag: must not be negative'),
    (["exec", "w"], ["--max-concurrent-repos", "1000001"],
     'invalid argument "1000001" for "--max-concurrent-repos" flag: must be at most 1000000'),
    (["exec", "w"], ["--max-concurrent-repos", "99999999999999999999999"],
     'invalid argument "99999999999999999999999" for "--max-concurrent-repos" flag: must be at most 1000000'),
    (["exec", "w"], ["--max-concurrent-repos", "+4"],
     'invalid argument "+4" for "--max-concurrent-repos" flag: must be an integer >= 1'),
    (["exec", "w"], ["--max-depth", " 3"], 'invalid argument " 3" for "--max-depth" flag: must be an integer >= 1'),
    (["exec", "w"], ["--max-depth", "1e3"], 'invalid argument "1e3" for "--max-depth" flag: must be an integer >= 1'),
    (["run", "true"], ["-j", "0"], 'invalid argument "0" for "-j, --jobs" flag: must be a positive integer'),
    (["run", "true"], ["-j", "-2"], 'invalid argument "-2" for "-j, --jobs" flag: must be a positive integer'),
    (["run", "true"], ["-j", "100001"], 'invalid argument "100001" for "-j, --jobs" flag: must be at most 100000'),
    (["run", "true"], ["--jobs=0x10"], 'invalid argument "0x10" for "-j, --jobs" flag: must be a positive integer'),
    (["run", "true"], ["--lock-timeout", "-10m"], 'invalid argument "-10m" for "--lock-timeout" flag: must not be negative'),
    (["run", "true"], ["--lock-timeout", "9999999999h"],
     'invalid argument "9999999999h" for "--lock-timeout" flag: time: invalid duration "9999999999h"'),
    (["status"], ["--limit", "99999999999999999999"],
     'invalid argument "99999999999999999999" for "--limit" flag: must be at most 4611686018427387904'),
    (["cache", "prune"], ["--older-than", "-1h"], 'invalid argument "-1h" for "--older-than" flag: must not be negative'),
    (["workspace", "clean"], ["--older-than", "-1s"], 'invalid argument "-1s" for "--older-than" flag: must not be negative'),
    (["workspace", "clean"], ["--older-than", "soon"], 'invalid argument "soon" for "--older-than" flag: time: invalid duration "soon"'),
])
def test_out_of_range_flag_values(tako, app, command, args, msg):
    r = tako(*command, *args, cwd=app)
    assert r.code == 1, r
    assert r.out == ""
    assert r.err == usage(msg, " ".join(c for c in command if c in ("exec", "run", "status", "cache", "prune",
                                                                     "workspace", "clean")))
    assert not (app / "ran.txt").exists()


@pytest.mark.parametrize("args", [["--lock-timeout", "0s"], ["--max-concurrent-repos", "1000000"],
                                  ["--max-depth", "007"]])
def test_boundary_values_are_accepted(tako, app, args):
    r = tako("exec", "w", "--inputs.n=1", *args, cwd=app)
    assert r.code == 0, r
    assert (app / "ran.txt").read_text() == "ran\n"


@pytest.mark.parametrize("value", ["1e999", "-1e999", "1e309"])
def test_non_finite_number_input_is_refused(tako, app, value):
    r = tako("exec", "w", f"--inputs.n={value}", cwd=app)
    assert r.code == 1, r
    assert r.err.endswith(f"input 'n' value '{value}' is not a finite number\n"), r
    assert not (app / "ran.txt").exists()


def test_large_finite_number_input_is_accepted(tako, app):
    r = tako("exec", "w", "--inputs.n=1e308", "--dry-run", cwd=app)
    assert r.code == 0, r
    assert "n: 1e308" in r.out


@pytest.mark.parametrize("age", ["2000000h", "2562047h"])
def test_cache_prune_with_an_age_beyond_the_clock_prunes_nothing(tako, tmp_path, age):
    """`now - age` used to overflow the file clock and wrap into the future: an age of centuries
    deleted every checkout, however fresh. Such an age selects nothing."""
    checkout = tmp_path / "c" / "repos" / "o" / "r" / "main"
    checkout.mkdir(parents=True)
    (checkout / "tako.yml").write_text("version: '1'\n")
    r = tako("cache", "prune", "--cache-dir", str(tmp_path / "c"), "--older-than", age)
    assert r.code == 0, r
    assert (checkout / "tako.yml").exists()
    r = tako("cache", "prune", "--cache-dir", str(tmp_path / "c"), "--older-than", "0s")
    assert r.code == 0, r
    assert not checkout.exists()
