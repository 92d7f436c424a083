"""The `tako/checkout@v1` built-in step (REFERENCE.md §13.1) against real repositories and a bare `origin`."""
from conftest import git
from test_exec_util import yml


def checkout_yml(with_block: str) -> str:
    """Workflow `co`: the checkout step, then a step that writes its outputs to ../co.out."""
    return yml(f"""\
  co:
    steps:
      - id: co
        uses: tako/checkout@v1
        with: {with_block}
      - run: echo "ref={{{{ .steps.co.outputs.ref }}}} sha={{{{ .steps.co.outputs.sha }}}}" > ../co.out
""")


def outputs(app):
    return (app.parent / "co.out").read_text()


def head(path, rev="HEAD"):
    return git("rev-parse", rev, cwd=path).strip()


def other_clone(ws, tmp_path, name="app"):
    """A second clone of the bare remote, for commits the entry checkout has not fetched."""
    clone = tmp_path / "other"
    git("clone", "-q", f"file://{ws.remotes}/o/{name}.git", str(clone))
    return clone


def commit_and_push(clone, file, refspec):
    (clone / file).write_text(file)
    git("add", "-A", cwd=clone)
    git("commit", "-q", "-m", file, cwd=clone)
    git("push", "-q", "origin", refspec, cwd=clone)
    return head(clone)


def test_checks_out_a_local_tag_and_exposes_ref_and_sha(tako, ws):
    app = ws.repo("app", checkout_yml("{ref: v1}"))
    git("tag", "v1", cwd=app)
    tagged = head(app)
    (app / "later.txt").write_text("x")
    git("add", "-A", cwd=app)
    git("commit", "-q", "-m", "later", cwd=app)
    r = tako("exec", "co", cwd=app)
    assert r.code == 0, r
    assert head(app) == tagged                      # detached at the tag
    assert outputs(app) == f"ref=v1 sha={tagged}\n"


def test_branch_only_on_origin_is_fetched_and_created(tako, ws, tmp_path):
    app = ws.repo("app", checkout_yml("{ref: feature}"))
    other = other_clone(ws, tmp_path)
    git("checkout", "-q", "-b", "feature", cwd=other)
    pushed = commit_and_push(other, "f.txt", "feature")
    r = tako("exec", "co", cwd=app)
    assert r.code == 0, r
    assert git("symbolic-ref", "--short", "HEAD", cwd=app).strip() == "feature"
    assert head(app) == pushed
    assert outputs(app) == f"ref=feature sha={pushed}\n"


def test_local_branch_is_fast_forwarded_to_origin(tako, ws, tmp_path):
    app = ws.repo("app", checkout_yml("{ref: main}"))
    pushed = commit_and_push(other_clone(ws, tmp_path), "new.txt", "main")
    assert head(app) != pushed
    r = tako("exec", "co", cwd=app)
    assert r.code == 0, r
    assert head(app) == pushed
    assert (app / "new.txt").read_text() == "new.txt"


def test_local_flag_does_not_fetch(tako, ws, tmp_path):
    app = ws.repo("app", checkout_yml("{ref: feature}"))
    other = other_clone(ws, tmp_path)
    git("checkout", "-q", "-b", "feature", cwd=other)
    commit_and_push(other, "f.txt", "feature")
    r = tako("exec", "co", "--local", cwd=app)
    assert r.code == 1, r
    assert r.err.splitlines()[-1].startswith(
        f"Error: workflow execution failed: step 'co' failed: TAKO_E002: failed to checkout ref feature in {app}: "
    ), r.err
    assert r.err.rstrip().endswith(" - exit status 1"), r.err


def test_fetch_false_does_not_fetch(tako, ws, tmp_path):
    app = ws.repo("app", checkout_yml("{ref: main, fetch: false}"))
    before = head(app)
    commit_and_push(other_clone(ws, tmp_path), "new.txt", "main")
    r = tako("exec", "co", cwd=app)
    assert r.code == 0, r
    assert head(app) == before   # origin/main was not updated, so nothing to fast-forward


def test_unknown_ref_is_tako_e002(tako, ws):
    app = ws.repo("app", checkout_yml("{ref: nope}"))
    r = tako("exec", "co", cwd=app)
    assert r.code == 1, r
    last = r.err.splitlines()[-1]
    assert last.startswith(f"Error: workflow execution failed: step 'co' failed: TAKO_E002: failed to checkout ref "
                           f"nope in {app}: error: pathspec 'nope' did not match"), r.err
    assert last.endswith(" - exit status 1"), r.err


def test_fetch_failure_is_tako_e007(tako, ws):
    app = ws.repo("app", checkout_yml("{ref: main}"))
    git("remote", "set-url", "origin", f"file://{ws.remotes}/o/missing.git", cwd=app)
    r = tako("exec", "co", cwd=app)
    assert r.code == 1, r
    assert ("Error: workflow execution failed: step 'co' failed: TAKO_E007: failed to update repo o/app:main: "
            "fatal: ") in r.err, r.err
    assert r.err.endswith(" - exit status 128\n"), r.err


def test_missing_ref_is_a_config_error(tako, ws):
    app = ws.repo("app", checkout_yml("{fetch: false}"))
    r = tako("exec", "co", cwd=app)
    assert r.code == 1, r
    assert r.err == (f"Error: workflow execution failed: failed to load config: {app}/tako.yml:9:15: invalid workflow "
                     "'co': invalid step 0: ref is required for tako/checkout@v1\n"), r.err


def test_ref_rendering_empty_fails_the_step(tako, ws):
    app = ws.repo("app", yml("""\
  co:
    inputs:
      which: {type: string, default: ""}
    steps:
      - id: co
        uses: tako/checkout@v1
        with: {ref: "{{ .inputs.which }}"}
"""))
    r = tako("exec", "co", cwd=app)
    assert r.code == 1, r
    assert r.err.splitlines()[-1] == ("Error: workflow execution failed: step 'co' failed: "
                                      "ref is required for tako/checkout@v1"), r.err


def test_ref_is_a_template_and_git_commands_go_to_the_step_log(tako, ws, env):
    app = ws.repo("app", yml("""\
  co:
    inputs:
      which: {type: string, default: main}
    steps:
      - id: co
        uses: tako/checkout@v1
        with: {ref: "{{ .inputs.which }}", fetch: false}
"""))
    r = tako("exec", "co", "--preserve-tmp", cwd=app)
    assert r.code == 0, r
    logs = list((ws.base / "home" / ".tako" / "workspaces").rglob("co.log"))
    assert len(logs) == 1, logs
    assert "$ git checkout --quiet main" in logs[0].read_text()
