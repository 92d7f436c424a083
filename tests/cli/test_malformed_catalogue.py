"""The catalogue of malformed tako.yml files (tests/cli/malformed/*.yml).

Each file is one case; its first line says what tako must report:

    # error: <line>:<col>: <message substring>     validate exits 1 with that positioned error, and
                                                   `exec --dry-run w` refuses the file at the same place
    # warning: <line>:<col>: <message substring>   validate exits 0 with that positioned warning
    # syntax: <line>:<col>                         a YAML syntax error: validate and exec report the
                                                   load error at that position (the parser's own
                                                   wording is not asserted)

Lines and columns count the header line too (it is part of the file). Every case is written into a
fresh git repository and run through the real binary."""

import pathlib
import re

import pytest

CASES_DIR = pathlib.Path(__file__).resolve().parent / "malformed"
HEADER = re.compile(r"^# (error|warning|syntax): (\d+):(\d+)(?:: (.+))?$")


def load_cases():
    cases = []
    for path in sorted(CASES_DIR.glob("*.yml")):
        first = path.read_text().splitlines()[0]
        m = HEADER.match(first)
        assert m, f"{path.name}: first line must be '# error|warning|syntax: L:C[: message]'"
        kind, line, col, message = m.group(1), int(m.group(2)), int(m.group(3)), m.group(4)
        assert kind == "syntax" or message, f"{path.name}: a message substring is required"
        cases.append(pytest.param(path, kind, line, col, message, id=path.stem))
    return cases


CASES = load_cases()


def test_catalogue_size_and_mix():
    kinds = [c.values[1] for c in CASES]
    assert len(CASES) >= 80
    # YAML syntax cases stay a small minority: the catalogue is about the schema of tako.yml.
    assert kinds.count("syntax") <= 10
    assert kinds.count("error") >= 70
    names = [c.values[0].name for c in CASES]
    assert all(re.match(r"^\d{3}-[a-z0-9-]+\.yml$", n) for n in names), names


@pytest.mark.parametrize("path,kind,line,col,message", CASES)
def test_malformed_case(ws, tako, path, kind, line, col, message):
    repo = ws.repo(path.stem, path.read_text(), remote=False)
    file = repo / "tako.yml"
    where = f"{file}:{line}:{col}"

    r = tako("validate", cwd=repo)
    if kind == "warning":
        assert r.code == 0, r
        assert f"warning: {where}: " in r.err, r
        assert _line_with(r.err, f"warning: {where}: ").find(message) >= 0, r
        return
    assert r.code == 1, r
    assert r.out == "", r
    if kind == "syntax":
        assert r.err.startswith(f"Error: could not unmarshal config: {where}: "), r
    else:
        assert message in _line_with(r.err, f"{where}: "), r
        assert r.err.splitlines()[-1].startswith("Error: validation failed with "), r

    # exec refuses what validate refuses, at the same place (it stops at the first error).
    e = tako("exec", "--dry-run", "w", cwd=repo)
    assert e.code == 1, e
    if kind == "syntax":
        assert f"could not unmarshal config: {where}: " in e.err, e
    else:
        assert f"failed to load config: {where}: " in e.err, e
        assert message in _line_with(e.err, where), e


def _line_with(text, needle):
    for line in text.splitlines():
        if needle in line:
            return line
    return ""
