"""REFERENCE.md Appendix A, exactly: the single-repository `greet` workflow."""
import re

import pytest

from spec_examples import APPENDIX_A
from test_exec_util import DUR, RUN_ID, home, load_state, run_id_of, store_path

GREETER = APPENDIX_A


@pytest.fixture
def greeter(ws):
    return ws.repo("greeter", GREETER, owner="my-org")


def test_success_with_shout(tako, greeter, env):
    r = tako("exec", "greet", "--root", greeter, "--inputs.name=Ada", "--inputs.shout=true")
    assert r.code == 0, r
    assert r.err == ""
    pattern = (
        "Executing workflow 'greet'\n"
        "Inputs:\n"
        "  name: Ada\n"
        "  shout: true\n"
        "\n"
        f"Execution completed: {RUN_ID}\n"
        "Success: true\n"
        r"Duration: \d\S*\n"
        "\n"
        "Steps executed: 3\n"
        f"  ✓ compose {DUR}\n"
        f"  ✓ shout {DUR}\n"
        f"  ✓ publish {DUR}\n"
    )
    assert re.fullmatch(pattern, r.out), r.out
    run_id = run_id_of(r.out)
    # Workspace removed on success; state kept.
    assert not (home(env) / "workspaces" / run_id).exists()
    doc = load_state(env, run_id)
    assert doc["root"]["status"] == "completed"
    steps = {s["id"]: s for s in doc["root"]["steps"]}
    assert steps["compose"]["outputs"] == {"greeting": "Hello, Ada!"}
    assert steps["publish"]["outputs"] == {"published_by": run_id}
    assert doc["root"]["cli_inputs"] == {"name": "Ada", "shout": "true"}
    assert doc["root"]["inputs"] == {"name": "Ada", "shout": True, "fail": False}


def test_failure_with_on_failure_and_status(tako, greeter, env):
    r = tako("exec", "greet", "--root", greeter, "--inputs.fail=true")
    assert r.code == 1, r
    pattern = (
        "Executing workflow 'greet'\n"
        "Inputs:\n"
        "  fail: true\n"
        "\n"
        f"Execution completed: {RUN_ID}\n"
        "Success: false\n"
        r"Duration: \d\S*\n"
        "\n"
        "Steps executed: 4\n"
        f"  ✓ compose {DUR}\n"
        "  - shout \\(skipped\\)\n"
        f"  ✗ publish {DUR}\n"
        f"  ✓ cleanup \\[on_failure\\] {DUR}\n"
    )
    assert re.fullmatch(pattern, r.out), r.out
    assert r.err == (
        "--- last 1 lines of step 'publish' (my-org/greeter) ---\n"
        "publishing 'Hello, World!'\n"
        "---\n"
        "Error: workflow execution failed: step 'publish' failed: exit status 1\n"
    )
    run_id = run_id_of(r.out)
    wsdir = home(env) / "workspaces" / run_id
    assert wsdir.is_dir()
    assert (wsdir / "logs" / "publish.log").read_text() == "publishing 'Hello, World!'\n"
    assert (wsdir / "logs" / "cleanup.log").read_text() == "cleaning up after publish\n"

    s = tako("status", run_id)
    assert s.code == 0, s
    assert re.fullmatch(
        re.escape(f"{run_id} (greet) [FAILED]\n") +
        r"└── my-org/greeter \[FAILED\] \(\d+m?s\) - step 'publish' failed: exit status 1\n", s.out), s.out
    assert s.err == ""


def test_invalid_boolean_input_has_no_summary_no_state(tako, greeter, env):
    r = tako("exec", "greet", "--root", greeter, "--inputs.shout=maybe")
    assert r.code == 1, r
    assert r.out == "Executing workflow 'greet'\nInputs:\n  shout: maybe\n"
    assert r.err == "Error: workflow execution failed: input 'shout' value 'maybe' is not a valid boolean\n"
    assert not store_path(env).exists()  # nothing recorded: the store is not even created
    ws = home(env) / "workspaces"
    assert not ws.exists() or list(ws.iterdir()) == []
