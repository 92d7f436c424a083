"""Appendix B: the three-repository release cascade, its failure and resume (REFERENCE.md §10, §11.4, §11.6)."""
import re

import pytest

from test_fanout_util import (DUR, LOGTS, RUN_ID, esc, find_run, match_lines, run_id_of, state_of, step_of)
from spec_examples import APPENDIX_B_APP_ONE, APPENDIX_B_APP_TWO, APPENDIX_B_GO_LIB

# REFERENCE.md Appendix B, with counter files and markers so the tests can see what ran.
GO_LIB = APPENDIX_B_GO_LIB.replace(
    'echo "built go-lib {{ .inputs.version }}"',
    'echo "built go-lib {{ .inputs.version }}" && echo x >> COUNT_build').replace(
    'echo "released {{ .steps.build.outputs.version }}"',
    'echo "released {{ .steps.build.outputs.version }}" && echo x >> COUNT_finish')
APP_ONE = APPENDIX_B_APP_ONE.replace(
    'echo "testing app-one against go-lib {{ .inputs.lib_version }}"',
    'echo "testing app-one against go-lib {{ .inputs.lib_version }}" && echo x >> COUNT_run_tests')
APP_TWO = APPENDIX_B_APP_TWO.replace(
    'echo "major upgrade to {{ .inputs.lib_version }}"',
    'echo "major upgrade to {{ .inputs.lib_version }}" && touch UPGRADED').replace(
    'run: echo "app-two deployed with go-lib {{ .inputs.lib_version }}" > deployed.txt',
    'run: echo x >> COUNT_deploy && echo "app-two deployed with go-lib {{ .inputs.lib_version }}" > deployed.txt__FAIL__')

SUMMARY_OK = [
    "Executing workflow 'release'",
    "Inputs:",
    "  version: 1.4.0",
    "",
    "Execution completed: " + RUN_ID,
    "Success: true",
    r"Duration: \d\S*",
    "",
    "Steps executed: 3",
    esc("  ✓ build (DUR)"),
    esc("  ✓ notify_dependents (DUR)"),
    esc("    └── ✓ my-org/app-one:integration_test (DUR)"),
    esc("        ├── ✓ run_tests (DUR)"),
    esc("        └── ✓ announce (DUR)"),
    esc("            └── ✓ my-org/app-two:deploy (DUR)"),
    esc("                └── ✓ deploy (DUR)"),
    esc("  ✓ finish (DUR)"),
]


@pytest.fixture
def cascade(ws):
    def make(fail_deploy=False):
        ws.repo("go-lib", GO_LIB, owner="my-org")
        ws.repo("app-one", APP_ONE, owner="my-org")
        ws.repo("app-two", APP_TWO.replace("__FAIL__", " && false" if fail_deploy else ""), owner="my-org")
        return ws.src / "go-lib"
    return make


def count(path):
    return len(path.read_text().splitlines()) if path.exists() else 0


def test_appendix_b_success(tako, ws, env, cascade):
    lib = cascade()
    r = tako("exec", "release", "--local", "--inputs.version=1.4.0", cwd=lib)
    assert r.code == 0, r
    match_lines(r.out, SUMMARY_OK)
    rid = run_id_of(r.out)
    match_lines(r.err, [
        LOGTS + r" INFO discovered subscriptions for fan-out event=library_built count=2",
        LOGTS + r" INFO discovered subscriptions for fan-out event=app_released count=1",
        r"\[INFO\] Child workflow execution completed \[repository my-org/app-two workflow deploy status completed "
        r"duration_ms \d+ run_id " + RUN_ID + r"\]",
        r"\[INFO\] Fan-out completed \[duration_ms \d+ success true triggered_count 1 error_count 0 "
        r"source_repo my-org/app-one fan_out_id fanout-[0-9a-f]{16}\]",
        r"\[INFO\] Child workflow execution completed \[repository my-org/app-one workflow integration_test status "
        r"completed duration_ms \d+ run_id " + RUN_ID + r"\]",
        r"\[INFO\] Fan-out completed \[duration_ms \d+ success true triggered_count 1 error_count 0 "
        r"source_repo my-org/go-lib fan_out_id fanout-[0-9a-f]{16}\]",
    ])
    assert (ws.src / "app-two" / "deployed.txt").read_text() == "app-two deployed with go-lib 1.4.0\n"
    assert not (ws.src / "app-two" / "UPGRADED").exists()
    assert (lib / "VERSION").read_text() == "1.4.0\n"
    # Workspace deleted on success; state kept.
    assert not (ws.base / "home" / ".tako" / "workspaces" / rid).exists()
    s = tako("status", rid)
    assert s.code == 0, s
    match_lines(s.out, [
        re.escape(rid) + r" \(release\) \[COMPLETED\]",
        r"└── my-org/go-lib \[COMPLETED\] \(\d+m?s\)",
        r"    └── my-org/app-one \[COMPLETED\] \(\d+m?s\)",
        r"        └── my-org/app-two \[COMPLETED\] \(\d+m?s\)",
    ])
    doc = state_of(env, rid)
    one = find_run(doc, "my-org/app-one", "integration_test")
    two = find_run(doc, "my-org/app-two", "deploy")
    assert one["inputs"] == {"lib_version": "1.4.0"}
    assert one["depth"] == 1 and two["depth"] == 2
    assert two["parent_run_id"] == one["run_id"] and two["parent_step"] == "announce"
    ev = step_of(doc["root"], "notify_dependents")["fan_out"]["event"]
    assert ev["type"] == "library_built" and ev["schema_version"] == "1.4.0" and ev["artifact"] == "go-lib"
    assert ev["payload"] == {"version": "1.4.0"} and ev["source"] == "my-org/go-lib"
    assert ev["namespaced_type"] == "my-org/go-lib/library_built"
    assert re.fullmatch(r"evt-[0-9a-f]{16}", ev["id"])
    ev2 = two["event"]
    assert ev2["artifact"] == "default" and ev2["schema_version"] == "" and ev2["payload"] == {"lib_version": "1.4.0"}
    assert re.fullmatch(r"[0-9a-f]{64}:my-org/app-two:deploy", two["key"])
    outs = step_of(doc["root"], "notify_dependents")["outputs"]
    assert outs["triggered_count"] == "1" and outs["success"] == "true"
    assert re.fullmatch(r"fanout-[0-9a-f]{16}", outs["fan_out_id"]) and outs["event_id"] == ev["id"]


FAIL_ERROR = ("Error: workflow execution failed: step 'notify_dependents' failed: fan-out failed: 1 of 1 child "
              "workflows failed: my-org/app-one:integration_test: step 'announce' failed: fan-out failed: 1 of 1 "
              "child workflows failed: my-org/app-two:deploy: step 'deploy' failed: exit status 1")


def failed_run(tako, ws, cascade):
    lib = cascade(fail_deploy=True)
    r = tako("exec", "release", "--local", "--inputs.version=1.4.0", cwd=lib)
    assert r.code == 1, r
    assert r.err.splitlines()[-1] == FAIL_ERROR
    rid = run_id_of(r.out)
    return lib, r, rid


def fix_app_two(ws):
    (ws.src / "app-two" / "tako.yml").write_text(APP_TWO.replace("__FAIL__", ""))


def test_appendix_b_failure(tako, ws, env, cascade):
    lib, r, rid = failed_run(tako, ws, cascade)
    match_lines(r.out, [
        "Executing workflow 'release'", "Inputs:", "  version: 1.4.0", "",
        "Execution completed: " + RUN_ID, "Success: false", r"Duration: \d\S*", "",
        "Steps executed: 2",
        esc("  ✓ build (DUR)"),
        esc("  ✗ notify_dependents (DUR)"),
        esc("    └── ✗ my-org/app-one:integration_test (DUR)"),
        esc("        ├── ✓ run_tests (DUR)"),
        esc("        └── ✗ announce (DUR)"),
        esc("            └── ✗ my-org/app-two:deploy (DUR)"),
        esc("                └── ✗ deploy (DUR)"),
    ])
    assert "[INFO] Fan-out completed [duration_ms" in r.err and "success false triggered_count 1 error_count 1" in r.err
    assert not (lib / "COUNT_finish").exists()
    assert (ws.base / "home" / ".tako" / "workspaces" / rid).is_dir()
    s = tako("status", rid)
    assert s.code == 0, s
    lines = s.out.splitlines()
    assert lines[0] == f"{rid} (release) [FAILED]"
    err = FAIL_ERROR[len("Error: workflow execution failed: "):]
    assert len(err) > 200
    head, tail = lines[1].split(" - ", 1)
    assert re.fullmatch(r"└── my-org/go-lib \[FAILED\] \(\d+m?s\)", head), lines[1]
    assert tail == err[:199] + "…"
    assert re.fullmatch(r"        └── my-org/app-two \[FAILED\] \(\d+m?s\) - step 'deploy' failed: exit status 1", lines[3])


def test_appendix_b_resume(tako, ws, env, cascade):
    lib, r, rid = failed_run(tako, ws, cascade)
    one, two = ws.src / "app-one", ws.src / "app-two"
    assert (count(lib / "COUNT_build"), count(one / "COUNT_run_tests"), count(two / "COUNT_deploy")) == (1, 1, 1)
    event_before = step_of(state_of(env, rid)["root"], "notify_dependents")["fan_out"]["event"]
    fix_app_two(ws)
    r2 = tako("exec", "--resume", rid, "--local", cwd=lib)
    assert r2.code == 0, r2
    match_lines(r2.out, [
        "Executing workflow 'release'", "Resuming from: " + rid, "Inputs:", "  version: 1.4.0", "",
        "Execution completed: " + rid, "Success: true", r"Duration: \d\S*", ""] + SUMMARY_OK[8:])
    assert (count(lib / "COUNT_build"), count(one / "COUNT_run_tests"), count(two / "COUNT_deploy"),
            count(lib / "COUNT_finish")) == (1, 1, 2, 1)
    assert (two / "deployed.txt").read_text() == "app-two deployed with go-lib 1.4.0\n"
    doc = state_of(env, rid)
    assert doc["root"]["status"] == "completed"
    assert step_of(doc["root"], "notify_dependents")["fan_out"]["event"] == event_before
    runs = [find_run(doc, "my-org/app-one"), find_run(doc, "my-org/app-two")]
    assert all(x["status"] == "completed" for x in runs)
    # No new event was discovered: exactly the recorded children, same ids.
    assert len(doc["root"]["children"]) == 1 and len(runs[0]["children"]) == 1
    again = tako("exec", "--resume", rid, "--local", cwd=lib)
    assert again.code == 0 and again.out.strip().endswith(f"Run {rid} already completed; nothing to resume."), again


def test_appendix_b_failed_only(tako, ws, env, cascade):
    lib, r, rid = failed_run(tako, ws, cascade)
    one, two = ws.src / "app-one", ws.src / "app-two"
    fix_app_two(ws)
    r2 = tako("exec", "--resume", rid, "--failed-only", "--local", cwd=lib)
    assert r2.code == 0, r2
    assert "Success: true" in r2.out
    assert r2.out.splitlines()[-1] == "Not resumed (--failed-only): my-org/go-lib:release"
    assert count(two / "COUNT_deploy") == 2
    assert count(lib / "COUNT_build") == 1 and count(one / "COUNT_run_tests") == 1 and count(lib / "COUNT_finish") == 0
    doc = state_of(env, rid)
    assert find_run(doc, "my-org/app-two")["status"] == "completed"
    assert find_run(doc, "my-org/app-one")["status"] == "completed"
    assert step_of(doc["root"], "notify_dependents")["status"] == "completed"
    assert doc["root"]["status"] == "failed" and doc["root"]["error"] == "not resumed (--failed-only)"
