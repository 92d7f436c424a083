"""Shared helpers of the fan-out CLI suite (REFERENCE.md §10, §11). Holds no tests."""
import json
import os
import pathlib
import re
import time

RUN_ID = r"exec-\d{8}-\d{6}-[0-9a-f]{8}"
DUR = r"\(\d[^)]*\)"
LOGTS = r"\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2}"


def run_id_of(out: str) -> str:
    m = re.search(r"^Execution completed: (" + RUN_ID + r")$", out, re.M)
    assert m, out
    return m.group(1)


def state_of(env: dict, run_id: str) -> dict:
    from test_exec_util import load_state
    return load_state(env, run_id)


def all_runs(node: dict):
    yield node
    for c in node.get("children", []):
        yield from all_runs(c)


def find_run(doc: dict, repository: str, workflow: str | None = None) -> dict:
    for r in all_runs(doc["root"]):
        if r["repository"] == repository and (workflow is None or r["workflow"] == workflow):
            return r
    raise AssertionError(f"no run of {repository}:{workflow}")


def step_of(run: dict, step_id: str) -> dict:
    for s in run["steps"]:
        if s["id"] == step_id:
            return s
    raise AssertionError(f"no step {step_id} in {run['repository']}")


def match_lines(actual: str, patterns: list[str]):
    """Each line of `actual` must fully match the regex at the same index."""
    lines = actual.splitlines()
    assert len(lines) == len(patterns), f"{len(lines)} lines, expected {len(patterns)}:\n{actual}"
    for line, pat in zip(lines, patterns):
        assert re.fullmatch(pat, line), f"line {line!r} does not match {pat!r}\n{actual}"


def esc(text: str) -> str:
    """A literal line with `(DUR)` standing for any Go duration."""
    return re.escape(text).replace(re.escape("(DUR)"), DUR)


def wait_for(pred, timeout=60.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie is not "left behind" once reaped; check /proc for state Z.
    try:
        stat = pathlib.Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def yml(name: str, body: str = "", owner: str = "my-org") -> str:
    return f'version: "1"\nmetadata: {{name: {owner}/{name}}}\n' + body


def emitter(name: str, event: str = "ping", payload: str = "{}", extra_with: str = "", owner: str = "o",
            before: str = "", after: str = "", workflow: str = "go", inputs: str = "") -> str:
    """A repository whose workflow `go` fans out `event`."""
    body = f"workflows:\n  {workflow}:\n"
    if inputs:
        body += f"    inputs: {inputs}\n"
    body += "    steps:\n" + before
    body += (f"      - id: fan\n        uses: tako/fan-out@v1\n        with:\n          event_type: {event}\n"
             f"          payload: {payload}\n          wait_for_children: true\n" + extra_with)
    body += after
    return yml(name, body, owner)


def subscriber(name: str, source: str, steps: str, event: str = "ping", inputs_decl: str = "",
               mapping: str = "", extra_sub: str = "", owner: str = "o", workflow: str = "react",
               artifact: str = "*") -> str:
    body = (f"subscriptions:\n  - artifact: {source}:{artifact}\n    events: [{event}]\n    workflow: {workflow}\n"
            + (f"    inputs: {mapping}\n" if mapping else "") + extra_sub)
    body += f"workflows:\n  {workflow}:\n"
    if inputs_decl:
        body += f"    inputs: {inputs_decl}\n"
    body += "    steps:\n" + steps
    return yml(name, body, owner)
