"""`tako run --json` and the failure recap at the end of a failed run (REFERENCE.md §1.5)."""
import json
import re

import pytest


def yml(name, dependents=()):
    deps = "".join(f"  - repo: o/{d}\n" for d in dependents)
    return f"version: '1'\nmetadata:\n  name: o/{name}\n" + (f"dependents:\n{deps}" if deps else "")


@pytest.fixture
def tree(ws):
    """root -> {a -> b, c}"""
    ws.repo("root", yml("root", ["a", "c"]))
    ws.repo("a", yml("a", ["b"]))
    ws.repo("b", yml("b"))
    ws.repo("c", yml("c"))
    return ws.src / "root"


KEYS = ["duration_ms", "error", "exit_code", "name", "path", "signal", "skipped_because", "status"]


def test_success(tako, ws, tree):
    r = tako("run", "--local", "--serial", "--json", "echo out-$TAKO_REPO; echo err >&2", cwd=tree)
    assert r.code == 0, r
    doc = json.loads(r.out)  # stdout holds the document only
    assert r.out == json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert doc["command"] == "echo out-$TAKO_REPO; echo err >&2"
    assert doc["success"] is True
    assert doc["summary"] == {"succeeded": 4, "failed": 0, "skipped": 0, "not_started": 0, "total": 4}
    assert [x["name"] for x in doc["repositories"]] == ["o/root", "o/a", "o/b", "o/c"]
    for x in doc["repositories"]:
        assert sorted(x) == KEYS
        assert (x["status"], x["exit_code"], x["signal"], x["error"]) == ("succeeded", 0, None, None)
        assert isinstance(x["duration_ms"], int) and x["duration_ms"] >= 0
    assert doc["repositories"][2]["path"] == str(ws.src / "b")
    assert isinstance(doc["duration_ms"], int)
    # Progress and the commands' stdout went to stderr.
    assert "--- Running in o/a ---\n" in r.err
    assert "out-o/b\n" in r.err and "err\n" in r.err


def test_parallel_output_stays_off_stdout(tako, tree):
    r = tako("run", "--local", "-j", "3", "--json", "echo hello", cwd=tree)
    assert r.code == 0, r
    json.loads(r.out)
    assert "o/c | hello\n" in r.err


def test_failure_with_skips(tako, tree):
    r = tako("run", "--local", "--serial", "--continue-on-error", "--json",
             '[ "$TAKO_REPO" != o/a ] || exit 3', cwd=tree)
    assert r.code == 1
    doc = json.loads(r.out)
    assert doc["success"] is False
    assert doc["summary"] == {"succeeded": 2, "failed": 1, "skipped": 1, "not_started": 0, "total": 4}
    by = {x["name"]: x for x in doc["repositories"]}
    assert (by["o/a"]["status"], by["o/a"]["exit_code"], by["o/a"]["error"]) == ("failed", 3, "exit status 3")
    assert (by["o/b"]["status"], by["o/b"]["skipped_because"], by["o/b"]["exit_code"]) == ("skipped", "o/a", None)
    assert by["o/b"]["duration_ms"] == 0
    assert r.err.endswith("Error: command failed in o/a: exit status 3\n")


def test_stop_leaves_not_started_and_signal(tako, tree):
    r = tako("run", "--local", "--serial", "--json", '[ "$TAKO_REPO" != o/a ] || kill -9 $$', cwd=tree)
    assert r.code == 1
    by = {x["name"]: x for x in json.loads(r.out)["repositories"]}
    assert (by["o/a"]["status"], by["o/a"]["exit_code"], by["o/a"]["signal"]) == ("failed", None, 9)
    assert by["o/b"]["status"] == "not_started"
    assert by["o/c"]["status"] == "not_started"


def test_failure_recap_without_summarize(tako, tree):
    r = tako("run", "--local", "--serial", "--continue-on-error",
             'case $TAKO_REPO in o/b|o/c) exit 1;; esac', cwd=tree)
    assert r.code == 1
    m = re.search(r" Repositories:  2 succeeded, 2 failed, 0 skipped, 4 total\n"
                  r"         Time:  \S+\n"
                  r"       Failed:  o/b \(exit status 1 after \S+\)\n"
                  r"                o/c \(exit status 1 after \S+\)\n"
                  r"Error: command failed in 2 repositories: o/b, o/c\n\Z", r.err)
    assert m, r.err


def test_no_recap_on_success_or_with_summarize(tako, tree):
    ok = tako("run", "--local", "true", cwd=tree)
    assert (ok.code, ok.err) == (0, "")
    r = tako("run", "--local", "--serial", "--summarize-errors", '[ "$TAKO_REPO" != o/c ] || exit 2', cwd=tree)
    assert r.code == 1
    assert "Repositories:" not in r.err
    assert r.err == "Summary: 3 succeeded, 1 failed, 0 skipped\n  \u2717 o/c: exit status 2\n" \
                    "Error: command failed in o/c: exit status 2\n"


def test_dry_run_json(tako, ws, tree):
    r = tako("run", "--local", "--dry-run", "--json", "make", cwd=tree)
    assert r.code == 0, r
    assert json.loads(r.out) == {"command": "make", "dry_run": True, "repositories": [
        {"name": f"o/{n}", "path": str(ws.src / n), "status": "planned"} for n in ["root", "a", "b", "c"]]}
    assert r.err == ""


def test_nothing_matched_json(tako, tree):
    r = tako("run", "--local", "--json", "--ignore", "o/root", "true", cwd=tree)
    assert r.code == 0, r
    assert r.err == "Warning: No repositories matched the filter criteria.\n"
    doc = json.loads(r.out)
    assert doc["repositories"] == [] and doc["success"] is True
    assert doc["summary"]["total"] == 0
