"""The `tako/create-pull-request@v1` built-in step (REFERENCE.md §13.4, docs/BUILTINS.md).

Real git throughout: branches are pushed into bare `file://` remotes and read back from them. Only
GitHub's API is faked: a `gh` script first on PATH that records its arguments. For the github.com
paths the checkout's origin is `https://github.com/o/app.git` and git's `pushInsteadOf` sends the
push to the local bare repository, so `git push --force-with-lease origin <head>` runs unchanged."""
import pathlib
import re
import shutil
import signal
import subprocess

from conftest import git
from test_exec_util import RUN_ID, kill_if_running, read_pid, run_id_of, spawn, wait_dead, yml

GITHUB_URL = "https://github.com/o/app.git"
FAKE_URL = "https://github.com/o/app/pull/7"


def pr_yml(with_block: str, before: str = "echo changed > change.txt", extra_steps: str = "",
           inputs: str = "", step_extra: str = "") -> str:
    """Workflow `pr`: a step changing the checkout, the PR step `pr`, then a step writing its outputs
    to ../pr.out (outside the checkout)."""
    before_step = f"      - run: {before}\n" if before else ""
    return yml(f"""\
  pr:
{inputs}    steps:
{before_step}      - id: pr
        uses: tako/create-pull-request@v1
        with: {with_block}
{step_extra}      - run: echo "branch={{{{ .steps.pr.outputs.branch }}}} sha={{{{ .steps.pr.outputs.sha }}}} url={{{{ .steps.pr.outputs.url }}}}" > ../pr.out
{extra_steps}""")


def outputs(app) -> dict:
    text = (app.parent / "pr.out").read_text().strip()
    return dict(part.split("=", 1) for part in text.split(" "))


def bare(ws, name="app") -> pathlib.Path:
    return ws.remotes / "o" / f"{name}.git"


def remote_sha(ws, ref, name="app"):
    return git("--git-dir", str(bare(ws, name)), "rev-parse", "--verify", "--quiet", f"refs/heads/{ref}").strip()


def remote_has(ws, ref, name="app") -> bool:
    return f"refs/heads/{ref}" in git("--git-dir", str(bare(ws, name)), "for-each-ref", "--format=%(refname)")


def current_branch(path) -> str:
    return git("symbolic-ref", "--short", "HEAD", cwd=path).strip()


def step_log(env, name="pr") -> str:
    """The step's log; the run must have used --preserve-tmp (a successful run's workspace is removed)."""
    logs = sorted(pathlib.Path(env["TAKO_HOME"]).rglob(f"{name}.log"))
    assert len(logs) == 1, logs
    return logs[0].read_text()


def make_github_origin(app, ws, name="app"):
    """origin is a github.com URL; pushes go to the local bare repository."""
    git("remote", "set-url", "origin", GITHUB_URL, cwd=app)
    git("config", f"url.file://{bare(ws, name)}.pushInsteadOf", GITHUB_URL, cwd=app)


def fake_gh(tmp_path, env, ws, exit_code=0, stdout=FAKE_URL, stderr=""):
    """A `gh` first on PATH: writes its arguments (NUL-separated), $GH_TOKEN, $GH_PROMPT_DISABLED,
    its cwd and the bare remote's branches at the time of the call into tmp_path/gh.*."""
    bindir = tmp_path / "bin"
    bindir.mkdir(exist_ok=True)
    script = bindir / "gh"
    script.write_text(f"""#!/bin/sh
for a in "$@"; do printf '%s\\0' "$a"; done > "{tmp_path}/gh.args"
printf '%s|%s' "$GH_TOKEN" "$GH_PROMPT_DISABLED" > "{tmp_path}/gh.env"
pwd > "{tmp_path}/gh.cwd"
git --git-dir "{bare(ws)}" for-each-ref --format='%(refname) %(objectname)' > "{tmp_path}/gh.refs"
printf '%s' '{stderr}' >&2
printf '%s\\n' '{stdout}'
exit {exit_code}
""")
    script.chmod(0o755)
    env["PATH"] = f"{bindir}:{env['PATH']}"
    return tmp_path / "gh.args"


def gh_args(tmp_path):
    return (tmp_path / "gh.args").read_text().split("\0")[:-1]


def path_without_gh(tmp_path, env):
    """PATH with every directory holding a `gh` replaced by a copy of it (symlinks) without `gh`."""
    parts = []
    for i, d in enumerate(env["PATH"].split(":")):
        if d and (pathlib.Path(d) / "gh").exists():
            shadow = tmp_path / f"nogh{i}"
            shadow.mkdir()
            for entry in pathlib.Path(d).iterdir():
                if entry.name != "gh":
                    (shadow / entry.name).symlink_to(entry)
            d = str(shadow)
        parts.append(d)
    env["PATH"] = ":".join(parts)
    assert shutil.which("gh", path=env["PATH"]) is None


def drop_git_identity(env):
    for k in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "EMAIL"):
        env.pop(k, None)


def last_commit(path, rev="HEAD", fmt="%an <%ae>|%cn <%ce>|%s"):
    return git("log", "-1", f"--format={fmt}", rev, cwd=path).strip()


# --- commit and push -------------------------------------------------------------------------


def test_commits_changes_to_default_branch_and_pushes_it(tako, ws, env):
    app = ws.repo("app", pr_yml("{title: Bump lib}"))
    main_before = git("rev-parse", "HEAD", cwd=app).strip()
    r = tako("exec", "pr", "--preserve-tmp", cwd=app)
    assert r.code == 0, r
    head = f"tako/{run_id_of(r.out)}"
    out = outputs(app)
    assert out["branch"] == head
    assert out["url"] == ""
    assert remote_sha(ws, head) == out["sha"]
    assert git("rev-parse", "HEAD", cwd=app).strip() == out["sha"]
    assert current_branch(app) == head                                   # the checkout stays on <head>
    assert last_commit(app) == "tako-test <test@example.invalid>|tako-test <test@example.invalid>|Bump lib"
    assert git("rev-parse", "HEAD^", cwd=app).strip() == main_before
    assert git("show", "--name-only", "--format=", "HEAD", cwd=app).split() == ["change.txt"]
    assert git("status", "--porcelain", cwd=app) == ""
    assert remote_sha(ws, "main") == main_before                         # base untouched
    log = step_log(env)
    assert f"$ git checkout -B {head}\n" in log
    assert "$ git add -A\n" in log
    assert "$ git commit -m 'Bump lib'\n" in log
    assert f"$ git push --force-with-lease origin {head}\n" in log
    assert log.rstrip().endswith(f"Pushed branch '{head}' to file://{bare(ws)}"), log


def test_parameters_are_templates_and_untracked_and_deleted_files_are_committed(tako, ws):
    app = ws.repo("app", pr_yml(
        '{title: "Bump {{ .inputs.lib }}", commit_message: "chore: bump {{ .inputs.lib }}", '
        'head: "deps/{{ .inputs.lib }}", base: main, body: "x"}',
        before="rm old.txt && mkdir -p sub && echo n > sub/new.txt && echo m >> kept.txt",
        inputs="    inputs:\n      lib: {type: string, default: libfoo}\n"),
        files={"old.txt": "o", "kept.txt": "k\n"})
    r = tako("exec", "pr", cwd=app)
    assert r.code == 0, r
    assert outputs(app)["branch"] == "deps/libfoo"
    assert remote_sha(ws, "deps/libfoo") == outputs(app)["sha"]
    assert last_commit(app, fmt="%s") == "chore: bump libfoo"
    changed = git("show", "--name-status", "--format=", "HEAD", cwd=app).split("\n")
    assert sorted(filter(None, changed)) == ["A\tsub/new.txt", "D\told.txt", "M\tkept.txt"]


def test_identity_falls_back_to_tako_without_git_configuration(tako, ws, env):
    app = ws.repo("app", pr_yml("{title: t, head: fb}"))
    drop_git_identity(env)                          # HOME is an empty directory: no ~/.gitconfig
    assert not (pathlib.Path(env["HOME"]) / ".gitconfig").exists()
    r = tako("exec", "pr", "--preserve-tmp", cwd=app)
    assert r.code == 0, r
    assert last_commit(app) == "tako <tako@localhost>|tako <tako@localhost>|t"
    assert "$ git -c user.name=tako -c user.email=tako@localhost commit -m t\n" in step_log(env)


def test_identity_comes_from_git_configuration_when_set(tako, ws, env):
    app = ws.repo("app", pr_yml("{title: t, head: cfg}"))
    drop_git_identity(env)
    (pathlib.Path(env["HOME"]) / ".gitconfig").write_text("[user]\n\tname = Home User\n")
    git("config", "user.email", "repo@example.invalid", cwd=app)
    r = tako("exec", "pr", "--preserve-tmp", cwd=app)
    assert r.code == 0, r
    assert last_commit(app) == "Home User <repo@example.invalid>|Home User <repo@example.invalid>|t"
    assert "$ git commit -m t\n" in step_log(env)


def test_no_changes_and_no_commits_ahead_is_an_error(tako, ws):
    app = ws.repo("app", pr_yml("{title: t}", before=""))
    before = git("rev-parse", "HEAD", cwd=app).strip()
    r = tako("exec", "pr", cwd=app)
    assert r.code == 1, r
    assert re.fullmatch("Error: workflow execution failed: step 'pr' failed: nothing to commit and branch "
                        f"'tako/{RUN_ID}' has no commits ahead of 'main'", r.err.splitlines()[-1]), r.err
    assert current_branch(app) == "main"
    assert git("rev-parse", "HEAD", cwd=app).strip() == before
    assert git("branch", "--list", "tako/*", cwd=app) == ""
    assert git("--git-dir", str(bare(ws)), "for-each-ref", "--format=%(refname)").split() == ["refs/heads/main"]


def test_head_equal_to_base_is_refused(tako, ws):
    app = ws.repo("app", pr_yml('{title: t, base: "{{ .inputs.b }}", head: dev}',
                                inputs="    inputs:\n      b: {type: string, default: dev}\n"))
    r = tako("exec", "pr", cwd=app)
    assert r.code == 1, r
    assert r.err.splitlines()[-1] == ("Error: workflow execution failed: step 'pr' failed: head and base must be "
                                      "different branches (both are 'dev')"), r.err
    assert current_branch(app) == "main"
    literal = ws.repo("lit", pr_yml("{title: t, head: main}"), remote=False)
    r = tako("validate", cwd=literal)
    assert r.code == 1, r
    assert "invalid step 1: head and base must be different branches (both are 'main')" in r.err, r


def test_existing_branch_with_commits_ahead_and_no_changes_is_pushed(tako, ws, env):
    app = ws.repo("app", pr_yml(
        "{title: t, head: feature}",
        before="git checkout -q -b feature && echo f > f.txt && git add f.txt && git commit -q -m feat "
               "&& git checkout -q main"))
    r = tako("exec", "pr", "--preserve-tmp", cwd=app)
    assert r.code == 0, r
    feature = git("rev-parse", "feature", cwd=app).strip()
    assert last_commit(app, "feature", "%s") == "feat"                 # no commit of its own
    assert outputs(app) == {"branch": "feature", "sha": feature, "url": ""}
    assert remote_sha(ws, "feature") == feature
    assert current_branch(app) == "feature"                            # switched to <head>
    assert "$ git checkout feature\n" in step_log(env)


def test_ahead_is_measured_against_origin_base(tako, ws):
    """Local main has a commit origin/main lacks: with nothing to commit, the default branch is
    made at HEAD and pushed — a pull request against main on the remote has that commit."""
    app = ws.repo("app", pr_yml("{title: t}", before="echo l > l.txt && git add l.txt && git commit -q -m local"))
    r = tako("exec", "pr", cwd=app)
    assert r.code == 0, r
    head = f"tako/{run_id_of(r.out)}"
    local = git("rev-parse", "main", cwd=app).strip()
    assert outputs(app)["sha"] == local
    assert remote_sha(ws, head) == local
    assert current_branch(app) == head
    assert last_commit(app, fmt="%s") == "local"


def test_ahead_uses_local_base_when_origin_has_no_such_branch(tako, ws):
    app = ws.repo("app", pr_yml("{title: t, base: dev, head: topic}",
                                before="git branch dev && git checkout -q -b topic && echo x > x.txt && "
                                       "git add x.txt && git commit -q -m x"))
    r = tako("exec", "pr", cwd=app)
    assert r.code == 0, r
    assert remote_sha(ws, "topic") == git("rev-parse", "topic", cwd=app).strip()
    assert not remote_has(ws, "dev")


def test_local_base_that_already_has_the_commits_is_an_error(tako, ws):
    app = ws.repo("app", pr_yml("{title: t, base: dev, head: topic}",
                                before="git checkout -q -b topic && echo x > x.txt && git add x.txt && "
                                       "git commit -q -m x && git branch dev"))
    r = tako("exec", "pr", cwd=app)
    assert r.code == 1, r
    assert r.err.splitlines()[-1] == ("Error: workflow execution failed: step 'pr' failed: nothing to commit and "
                                      "branch 'topic' has no commits ahead of 'dev'"), r.err
    assert not remote_has(ws, "topic")


def test_unknown_base_with_nothing_to_commit_is_an_error(tako, ws):
    app = ws.repo("app", pr_yml("{title: t, base: nope}", before=""))
    r = tako("exec", "pr", cwd=app)
    assert r.code == 1, r
    assert r.err.splitlines()[-1] == (
        "Error: workflow execution failed: step 'pr' failed: nothing to commit and base branch 'nope' was not found "
        "(neither origin/nope nor nope exists in the checkout)"), r.err


def test_no_origin_is_tako_e008_and_changes_nothing(tako, ws):
    app = ws.repo("app", pr_yml("{title: t}"), remote=False)
    r = tako("exec", "pr", cwd=app)
    assert r.code == 1, r
    assert r.err.splitlines()[-1] == (f"Error: workflow execution failed: step 'pr' failed: TAKO_E008: failed to get "
                                      f"remote URL for {app}: error: No such remote 'origin' - exit status 2"), r.err
    assert current_branch(app) == "main"
    assert git("status", "--porcelain", cwd=app) == "?? change.txt\n"   # not committed


def test_push_rejected_by_the_remote_fails_the_step(tako, ws):
    app = ws.repo("app", pr_yml("{title: t, head: rejected}"))
    hook = bare(ws) / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'policy: no pushes today' >&2\nexit 1\n")
    hook.chmod(0o755)
    r = tako("exec", "pr", cwd=app)
    assert r.code == 1, r
    prefix = "Error: workflow execution failed: step 'pr' failed: failed to push branch rejected: "
    assert prefix in r.err, r.err
    message = r.err[r.err.index(prefix) + len(prefix):]
    assert "remote: policy: no pushes today" in message, r.err
    assert "[remote rejected] rejected -> rejected (pre-receive hook declined)" in message, r.err
    assert not remote_has(ws, "rejected")
    assert current_branch(app) == "rejected"                          # the commit stays in the checkout


def test_rerun_with_same_head_force_updates_the_branch(tako, ws):
    app = ws.repo("app", pr_yml("{title: t, head: update}",
                                before="git checkout -q main && date +%N > change.txt"))
    r1 = tako("exec", "pr", cwd=app)
    assert r1.code == 0, r1
    first = remote_sha(ws, "update")
    r2 = tako("exec", "pr", cwd=app)   # starts from main again: the new commit does not descend from the first
    assert r2.code == 0, r2
    second = remote_sha(ws, "update")
    assert second == outputs(app)["sha"] != first
    not_ancestor = subprocess.run(["git", "merge-base", "--is-ancestor", first, second], cwd=app)
    assert not_ancestor.returncode == 1                                # a forced, non-fast-forward update
    assert git("rev-parse", f"{second}^", cwd=app).strip() == git("rev-parse", "main", cwd=app).strip()


def test_force_with_lease_refuses_to_overwrite_unseen_remote_commits(tako, ws, tmp_path):
    app = ws.repo("app", pr_yml("{title: t, head: leased}",
                                before="git checkout -q main && date +%N > change.txt"))
    assert tako("exec", "pr", cwd=app).code == 0
    other = tmp_path / "other"
    git("clone", "-q", "-b", "leased", f"file://{bare(ws)}", str(other))
    (other / "theirs.txt").write_text("theirs")
    git("add", "-A", cwd=other)
    git("commit", "-q", "-m", "theirs", cwd=other)
    git("push", "-q", "origin", "leased", cwd=other)
    theirs = remote_sha(ws, "leased")
    r = tako("exec", "pr", cwd=app)
    assert r.code == 1, r
    assert "failed to push branch leased: " in r.err and "(stale info)" in r.err, r.err
    assert remote_sha(ws, "leased") == theirs


# --- pull request / messages -----------------------------------------------------------------


def test_gh_creates_the_pull_request_with_exact_arguments(tako, ws, env, tmp_path):
    app = ws.repo("app", pr_yml('{title: "Bump lib", body: "Line 1\\nLine 2", base: main, head: deps/lib, '
                                'draft: true}'))
    make_github_origin(app, ws)
    fake_gh(tmp_path, env, ws)
    r = tako("exec", "pr", "--preserve-tmp", cwd=app)
    assert r.code == 0, r
    assert gh_args(tmp_path) == ["pr", "create", "--title", "Bump lib", "--body", "Line 1\nLine 2", "--base", "main",
                                 "--head", "deps/lib", "--draft"]
    out = outputs(app)
    assert out["url"] == FAKE_URL
    assert out["branch"] == "deps/lib"
    # gh ran in the checkout, after the push, never prompting.
    assert (tmp_path / "gh.cwd").read_text().strip() == str(app)
    assert f"refs/heads/deps/lib {out['sha']}" in (tmp_path / "gh.refs").read_text()
    assert (tmp_path / "gh.env").read_text() == "|1"
    assert "$ gh pr create --title 'Bump lib' --body 'Line 1\nLine 2' --base main --head deps/lib --draft\n" \
        in step_log(env)


def test_gh_without_draft_and_with_defaults(tako, ws, env, tmp_path):
    app = ws.repo("app", pr_yml('{title: T, draft: "{{ .inputs.d }}"}',
                                inputs="    inputs:\n      d: {type: string, default: 'false'}\n"))
    make_github_origin(app, ws)
    fake_gh(tmp_path, env, ws)
    r = tako("exec", "pr", cwd=app)
    assert r.code == 0, r
    head = f"tako/{run_id_of(r.out)}"
    assert gh_args(tmp_path) == ["pr", "create", "--title", "T", "--body", "", "--base", "main", "--head", head]
    assert remote_sha(ws, head) == outputs(app)["sha"]


def test_templated_draft_true_passes_draft(tako, ws, env, tmp_path):
    app = ws.repo("app", pr_yml('{title: T, head: h, draft: "{{ .inputs.d }}"}',
                                inputs="    inputs:\n      d: {type: boolean, default: true}\n"))
    make_github_origin(app, ws)
    fake_gh(tmp_path, env, ws)
    r = tako("exec", "pr", cwd=app)
    assert r.code == 0, r
    assert gh_args(tmp_path)[-1] == "--draft"


def test_gh_gets_secrets_through_step_env(tako, ws, env, tmp_path):
    app = ws.repo("app", pr_yml("{title: T, head: h}", step_extra="        env: {GH_TOKEN: MY_TOKEN}\n",
                                inputs="    secrets: [MY_TOKEN]\n"))
    make_github_origin(app, ws)
    fake_gh(tmp_path, env, ws)
    r = tako("exec", "pr", cwd=app, extra_env={"MY_TOKEN": "tok-123"})
    assert r.code == 0, r
    assert (tmp_path / "gh.env").read_text() == "tok-123|1"


def test_gh_failure_fails_the_step_after_the_push(tako, ws, env, tmp_path):
    app = ws.repo("app", pr_yml("{title: T, head: h}"))
    make_github_origin(app, ws)
    fake_gh(tmp_path, env, ws, exit_code=1, stdout="", stderr="GraphQL: No commits between main and h")
    r = tako("exec", "pr", cwd=app)
    assert r.code == 1, r
    assert r.err.splitlines()[-1] == ("Error: workflow execution failed: step 'pr' failed: failed to create pull "
                                      "request: GraphQL: No commits between main and h"), r.err
    assert remote_has(ws, "h")


def test_gh_failure_without_output_names_the_exit_status(tako, ws, env, tmp_path):
    app = ws.repo("app", pr_yml("{title: T, head: h}"))
    make_github_origin(app, ws)
    fake_gh(tmp_path, env, ws, exit_code=4, stdout="")
    r = tako("exec", "pr", cwd=app)
    assert r.code == 1, r
    assert r.err.splitlines()[-1] == ("Error: workflow execution failed: step 'pr' failed: failed to create pull "
                                      "request: exit status 4"), r.err


def test_github_origin_without_gh_logs_the_compare_url(tako, ws, env, tmp_path):
    app = ws.repo("app", pr_yml("{title: T, base: main}"))
    make_github_origin(app, ws)
    path_without_gh(tmp_path, env)
    r = tako("exec", "pr", "--preserve-tmp", cwd=app)
    assert r.code == 0, r
    head = f"tako/{run_id_of(r.out)}"
    url = f"https://github.com/o/app/compare/main...{head}?expand=1"
    assert outputs(app)["url"] == url
    assert step_log(env).rstrip().endswith(f"Create a pull request: {url}")
    assert remote_sha(ws, head) == outputs(app)["sha"]


def test_non_github_origin_with_gh_on_path_does_not_call_gh(tako, ws, env, tmp_path):
    app = ws.repo("app", pr_yml("{title: T, head: plain}"))
    fake_gh(tmp_path, env, ws)
    r = tako("exec", "pr", "--preserve-tmp", cwd=app)
    assert r.code == 0, r
    assert not (tmp_path / "gh.args").exists()
    assert outputs(app)["url"] == ""
    assert step_log(env).rstrip().endswith(f"Pushed branch 'plain' to file://{bare(ws)}")


def test_local_flag_commits_but_does_not_push_or_call_gh(tako, ws, env, tmp_path):
    app = ws.repo("app", pr_yml("{title: T, head: offline}"))
    make_github_origin(app, ws)
    fake_gh(tmp_path, env, ws)
    r = tako("exec", "pr", "--preserve-tmp", "--local", cwd=app)
    assert r.code == 0, r
    out = outputs(app)
    assert out == {"branch": "offline", "sha": git("rev-parse", "HEAD", cwd=app).strip(), "url": ""}
    assert current_branch(app) == "offline"
    assert last_commit(app, fmt="%s") == "T"
    assert not remote_has(ws, "offline")
    assert not (tmp_path / "gh.args").exists()
    log = step_log(env)
    assert "$ git push" not in log
    assert log.rstrip().endswith("Not pushing branch 'offline' (--local)")


def test_local_flag_needs_no_origin(tako, ws):
    app = ws.repo("app", pr_yml("{title: T, head: offline}"), remote=False)
    r = tako("exec", "pr", "--local", cwd=app)
    assert r.code == 0, r
    assert current_branch(app) == "offline"


def test_outputs_and_log_are_masked(tako, ws, env):
    """A secret value in the remote's path and in the branch name: never in the log or outputs."""
    secret = "s3cr3tvalue"
    app = ws.repo("app", pr_yml('{title: T, head: "{{ .inputs.h }}"}',
                                inputs="    secrets: [TOKEN]\n    inputs:\n      h: {type: string}\n"))
    secret_bare = ws.base / secret / "app.git"
    secret_bare.parent.mkdir()
    git("clone", "-q", "--bare", str(bare(ws)), str(secret_bare))
    git("remote", "set-url", "origin", f"file://{secret_bare}", cwd=app)
    r = tako("exec", "pr", "--preserve-tmp", f"--inputs.h=fix-{secret}", cwd=app, extra_env={"TOKEN": secret})
    assert r.code == 0, r
    assert outputs(app)["branch"] == "fix-***"
    log = step_log(env)
    assert secret not in log
    assert f"Pushed branch 'fix-***' to file://{ws.base}/***/app.git" in log
    assert git("--git-dir", str(secret_bare), "rev-parse", f"refs/heads/fix-{secret}").strip() == outputs(app)["sha"]


def test_rendered_head_that_is_no_branch_name_fails(tako, ws):
    app = ws.repo("app", pr_yml('{title: T, head: "{{ .inputs.h }}"}',
                                inputs="    inputs:\n      h: {type: string, default: 'a b'}\n"))
    r = tako("exec", "pr", cwd=app)
    assert r.code == 1, r
    assert r.err.splitlines()[-1] == ("Error: workflow execution failed: step 'pr' failed: head 'a b' is not a "
                                      "valid branch name"), r.err
    assert current_branch(app) == "main"


def test_rendered_empty_title_fails(tako, ws):
    app = ws.repo("app", pr_yml('{title: "{{ .inputs.t }}"}',
                                inputs="    inputs:\n      t: {type: string, default: ''}\n"))
    r = tako("exec", "pr", cwd=app)
    assert r.code == 1, r
    assert r.err.splitlines()[-1] == ("Error: workflow execution failed: step 'pr' failed: title is required for "
                                      "tako/create-pull-request@v1"), r.err


def test_commit_hook_failure_fails_the_step(tako, ws):
    app = ws.repo("app", pr_yml("{title: T, head: hooked}"))
    hook = app / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'lint failed' >&2\nexit 1\n")
    hook.chmod(0o755)
    r = tako("exec", "pr", cwd=app)
    assert r.code == 1, r
    assert r.err.splitlines()[-1] == ("Error: workflow execution failed: step 'pr' failed: failed to commit changes: "
                                      "lint failed"), r.err
    assert not remote_has(ws, "hooked")


def test_step_timeout_stops_a_hanging_push(tako, ws, tmp_path):
    app = ws.repo("app", pr_yml("{title: T, head: slow}", step_extra="        timeout: 1s\n"))
    hook = bare(ws) / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\nexec sleep 60\n")
    hook.chmod(0o755)
    r = tako("exec", "pr", cwd=app, timeout=30)
    assert r.code == 1, r
    assert r.err.splitlines()[-1] == "Error: workflow execution failed: step 'pr' failed: timed out after 1s", r.err


# --- load time -------------------------------------------------------------------------------


def test_validate_and_dry_run_check_the_parameters(tako, ws):
    app = ws.repo("app", pr_yml("{title: T, head: 'bad branch', draft: maybe, labels: [x]}"), remote=False)
    r = tako("validate", cwd=app)
    assert r.code == 1, r
    assert f"{app}/tako.yml:10:32: invalid workflow 'pr': invalid step 1: head 'bad branch' is not a valid branch " \
        "name" in r.err, r
    assert f"{app}/tako.yml:10:53: invalid workflow 'pr': invalid step 1: draft must be a boolean" in r.err, r
    r = tako("exec", "pr", "--dry-run", cwd=app)
    assert r.code == 1, r
    assert r.err == (f"Error: workflow execution failed: failed to load config: {app}/tako.yml:10:32: invalid "
                     "workflow 'pr': invalid step 1: head 'bad branch' is not a valid branch name\n"), r
    assert "[dry-run]" not in r.out, r
    ok = ws.repo("ok", pr_yml("{title: T, labels: [x]}"), remote=False)
    r = tako("validate", cwd=ok)
    assert r.code == 0, r
    assert "unknown parameter 'labels' for tako/create-pull-request@v1" in r.err, r
    r = tako("exec", "pr", "--dry-run", cwd=ok)
    assert r.code == 0, r
    assert "[dry-run] pr: uses tako/create-pull-request@v1" in r.out, r
    assert not (ok / "change.txt").exists()


# --- more error paths ------------------------------------------------------------------------


def test_branch_git_cannot_create_fails_the_step(tako, ws):
    """`feat` exists, so git cannot create `feat/x` (refs/heads/feat is a file)."""
    app = ws.repo("app", pr_yml("{title: T, head: feat/x}", before="git branch feat && echo c > c.txt"))
    r = tako("exec", "pr", cwd=app)
    assert r.code == 1, r
    last = r.err.splitlines()[-1]
    assert last.startswith("Error: workflow execution failed: step 'pr' failed: failed to create branch feat/x: "), r.err
    assert "refs/heads/feat" in r.err, r.err
    assert current_branch(app) == "main"
    assert not remote_has(ws, "feat/x")


def test_checkout_that_is_no_git_repository(tako, ws):
    app = ws.repo("app", pr_yml("{title: T}"), git_init=False)
    r = tako("exec", "pr", cwd=app)
    assert r.code == 1, r
    assert r.err.splitlines()[-1].startswith(
        f"Error: workflow execution failed: step 'pr' failed: TAKO_E008: failed to get remote URL for {app}: "
        "fatal: not a git repository"), r.err
    assert r.err.rstrip().endswith(" - exit status 128"), r.err
    r = tako("exec", "pr", "--local", cwd=app)
    assert r.code == 1, r
    assert r.err.splitlines()[-1].startswith(
        f"Error: workflow execution failed: step 'pr' failed: failed to read the status of {app}: "
        "fatal: not a git repository"), r.err


def test_interrupt_stops_gh_and_exits_130(ws, env, tmp_path):
    app = ws.repo("app", pr_yml("{title: T, head: h}"))
    make_github_origin(app, ws)
    bindir = tmp_path / "bin"
    bindir.mkdir()
    gh = bindir / "gh"
    gh.write_text(f"#!/bin/sh\necho $$ > {tmp_path}/gh.pid\nexec sleep 300\n")
    gh.chmod(0o755)
    env["PATH"] = f"{bindir}:{env['PATH']}"
    p = spawn(env, "exec", "pr", cwd=app)
    try:
        gh_pid = read_pid(tmp_path / "gh.pid")
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=60)
    finally:
        kill_if_running(p)
    assert p.returncode == 130, (out, err)
    assert err.endswith("Error: workflow execution interrupted\n"), err
    wait_dead(gh_pid, timeout=10)
    assert remote_has(ws, "h")                                       # gh runs after the push


def test_template_errors_in_with_and_env_fail_the_step(tako, ws):
    inputs = "    inputs:\n      t: {type: string, default: ab}\n"
    app = ws.repo("app", pr_yml('{title: "{{ index .inputs.t 9 }}"}', inputs=inputs))
    r = tako("exec", "pr", cwd=app)
    assert r.code == 1, r
    assert r.err.splitlines()[-1].startswith(
        "Error: workflow execution failed: step 'pr' failed: failed to execute template: "), r.err
    assert "index out of range" in r.err, r.err
    env_app = ws.repo("envapp", pr_yml("{title: T}", inputs=inputs,
                                       step_extra="        env: {X: '{{ index .inputs.t 9 }}'}\n"))
    r = tako("exec", "pr", cwd=env_app)
    assert r.code == 1, r
    assert r.err.splitlines()[-1].startswith(
        "Error: workflow execution failed: step 'pr' failed: failed to execute template: "), r.err
    assert git("status", "--porcelain", cwd=env_app) == "?? change.txt\n"   # nothing done


def test_remote_branch_never_fetched_is_not_overwritten(tako, ws, tmp_path):
    app = ws.repo("app", pr_yml("{title: T, head: taken}"))
    other = tmp_path / "other"
    git("clone", "-q", f"file://{bare(ws)}", str(other))
    git("checkout", "-q", "-b", "taken", cwd=other)
    git("commit", "-q", "--allow-empty", "-m", "theirs", cwd=other)
    git("push", "-q", "origin", "taken", cwd=other)
    theirs = remote_sha(ws, "taken")
    r = tako("exec", "pr", cwd=app)
    assert r.code == 1, r
    assert "failed to push branch taken: " in r.err and "(stale info)" in r.err, r.err
    assert remote_sha(ws, "taken") == theirs
