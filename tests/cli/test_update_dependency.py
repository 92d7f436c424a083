"""The `tako/update-dependency@v1` built-in step (REFERENCE.md §13.3) end to end: real git checkouts, the real
binary, every ecosystem, auto-detection, outputs seen by later steps, the step log, and its errors.

Lock-file tools: go, npm and cargo need the network (or a populated cache) to do real work, which tests may not
use. The lock-file tests put a fake tool first on the step's PATH (a shell script that records its arguments,
working directory and environment, then exits with a chosen status); what they check is how tako finds, runs and
judges the tool."""
import os
import pathlib
import stat

from conftest import git
from test_exec_util import run_id_of, yml

GO_MOD = ("module example.com/app\r\n\r\ngo 1.21\r\n\r\nrequire (\r\n\tgithub.com/o/lib v1.2.0 // indirect\r\n"
          "\tgithub.com/o/other v0.3.0\r\n)\r\n")


def bump_yml(with_block: str, extra_steps: str = "", inputs: str = "") -> str:
    """Workflow `w`: the bump step, then one that writes its outputs to ../bump.out, and one that touches
    ../changed only when the step reported a change (the `if:` of the REFERENCE example)."""
    return yml(f"""\
  w:
{inputs}    steps:
      - id: bump
        uses: tako/update-dependency@v1
        with: {with_block}
      - run: >-
          echo "file={{{{ .steps.bump.outputs.file }}}} prev={{{{ .steps.bump.outputs.previous_version }}}}
          version={{{{ .steps.bump.outputs.version }}}} changed={{{{ .steps.bump.changed }}}}" > ../bump.out
      - run: touch ../changed
        if: steps.bump.outputs.changed == "true"
{extra_steps}""")


def outputs(app) -> str:
    return (app.parent / "bump.out").read_text()


def last_err(r) -> str:
    return r.err.splitlines()[-1]


def failed_with(r, message: str):
    assert r.code == 1, r
    assert "Success: false\n" in r.out, r
    assert last_err(r) == f"Error: workflow execution failed: step 'bump' failed: {message}", r.err


def step_log(env, r, step="bump") -> str:
    run_id = run_id_of(r.out)
    return (pathlib.Path(env["TAKO_HOME"]) / "workspaces" / run_id / "logs" / f"{step}.log").read_text()


def fake_tool(directory: pathlib.Path, name: str, record: pathlib.Path, status: int = 0) -> pathlib.Path:
    """A stand-in lock tool: records argv, cwd and GOPROXY into `record`, prints a line, exits `status`."""
    directory.mkdir(parents=True, exist_ok=True)
    tool = directory / name
    tool.write_text(f"""#!/bin/sh
printf '%s\\n' "$*" > '{record}'
pwd >> '{record}'
echo "GOPROXY=${{GOPROXY-unset}}" >> '{record}'
echo "{name} says hello"
exit {status}
""")
    tool.chmod(tool.stat().st_mode | stat.S_IXUSR)
    return directory


# ---- each ecosystem ---------------------------------------------------------------------------------------

def test_go_mod_block_entry_keeps_crlf_comments_and_tabs(tako, ws, env):
    app = ws.repo("app", bump_yml("{name: github.com/o/lib, version: 1.3.0}"), files={"go.mod": ""})
    (app / "go.mod").write_bytes(GO_MOD.encode())
    git("commit", "-qam", "go.mod", cwd=app)
    r = tako("exec", "w", "--preserve-tmp", cwd=app)
    assert r.code == 0, r
    assert (app / "go.mod").read_bytes() == GO_MOD.replace("v1.2.0", "v1.3.0").encode()
    assert outputs(app) == "file=go.mod prev=v1.2.0 version=v1.3.0 changed=true\n"
    assert step_log(env, r) == "Updated github.com/o/lib from v1.2.0 to v1.3.0 in go.mod\n"
    assert (app.parent / "changed").exists()
    # Only go.mod changed in the checkout.
    assert git("status", "--porcelain", cwd=app) == " M go.mod\n"


def test_go_mod_single_line_require_without_trailing_newline(tako, ws):
    text = "module m\n\nrequire github.com/o/lib v1.0.0"
    app = ws.repo("app", bump_yml("{name: github.com/o/lib, version: v2.0.0}"), files={"go.mod": text})
    r = tako("exec", "w", cwd=app)
    assert r.code == 0, r
    assert (app / "go.mod").read_text() == "module m\n\nrequire github.com/o/lib v2.0.0"


def test_package_json_every_section_keeps_operators_and_layout(tako, ws):
    text = ('{\n\t"name": "app",\n\t"dependencies": {"lib": "^1.0.0", "x": "1.0.0"},\n'
            '\t"devDependencies": {\n\t\t"lib": "~1.0.0"\n\t},\n\t"scripts": {"lib": "1.0.0"}\n}')
    app = ws.repo("app", bump_yml("{name: lib, version: 1.4.0}"), files={"package.json": text})
    r = tako("exec", "w", cwd=app)
    assert r.code == 0, r
    assert (app / "package.json").read_text() == text.replace('"^1.0.0"', '"^1.4.0"').replace('"~1.0.0"', '"~1.4.0"')
    assert outputs(app) == "file=package.json prev=1.0.0 version=1.4.0 changed=true\n"


def test_pom_xml_property_is_edited(tako, ws):
    text = """<project>
  <properties>
    <lib.version>1.0.0</lib.version>
  </properties>
  <dependencies>
    <dependency>
      <groupId>com.example</groupId>
      <artifactId>lib</artifactId>
      <version>${lib.version}</version>
    </dependency>
  </dependencies>
</project>
"""
    app = ws.repo("app", bump_yml("{name: 'com.example:lib', version: 1.1.0}"), files={"pom.xml": text})
    r = tako("exec", "w", cwd=app)
    assert r.code == 0, r
    assert (app / "pom.xml").read_text() == text.replace("<lib.version>1.0.0<", "<lib.version>1.1.0<")
    assert outputs(app) == "file=pom.xml prev=1.0.0 version=1.1.0 changed=true\n"


def test_cargo_toml_inline_table_and_plain_string(tako, ws):
    text = ('[package]\nname = "app"\nversion = "0.1.0"\n\n[dependencies]\nlib = { version = "^0.3", '
            'features = ["x"] }\n\n[dev-dependencies]\nlib = "0.3"\n')
    app = ws.repo("app", bump_yml("{name: lib, version: '0.4'}"), files={"Cargo.toml": text})
    r = tako("exec", "w", cwd=app)
    assert r.code == 0, r
    assert (app / "Cargo.toml").read_text() == text.replace('"^0.3"', '"^0.4"').replace('lib = "0.3"', 'lib = "0.4"')
    assert outputs(app) == "file=Cargo.toml prev=0.3 version=0.4 changed=true\n"


def test_requirements_txt_pep503_name_extras_and_markers(tako, ws):
    text = "# pinned\nFoo_Bar[socks]>=1.0 ; python_version >= '3.8'  # why\nother==2\n"
    app = ws.repo("app", bump_yml("{name: foo.bar, version: 1.5}".replace("1.5", "'1.5'")),
                  files={"requirements.txt": text})
    r = tako("exec", "w", cwd=app)
    assert r.code == 0, r
    assert (app / "requirements.txt").read_text() == text.replace(">=1.0", ">=1.5")
    assert outputs(app) == "file=requirements.txt prev=1.0 version=1.5 changed=true\n"


# ---- choosing the file ------------------------------------------------------------------------------------

def test_auto_detection_order(tako, ws):
    files = {"requirements.txt": "lib==1.0\n", "Cargo.toml": '[dependencies]\nlib = "1.0"\n',
             "pom.xml": "<project><dependencies><dependency><artifactId>lib</artifactId><version>1.0</version>"
                        "</dependency></dependencies></project>",
             "package.json": '{"dependencies": {"lib": "1.0"}}'}
    app = ws.repo("app", bump_yml("{name: lib, version: '2.0'}"), files=files)
    # package.json comes before pom.xml, Cargo.toml and requirements.txt.
    r = tako("exec", "w", cwd=app)
    assert r.code == 0, r
    assert outputs(app).startswith("file=package.json ")
    assert (app / "package.json").read_text() == '{"dependencies": {"lib": "2.0"}}'
    assert (app / "requirements.txt").read_text() == "lib==1.0\n"
    # Without package.json and pom.xml: Cargo.toml before requirements.txt.
    (app / "package.json").unlink()
    (app / "pom.xml").unlink()
    r = tako("exec", "w", cwd=app)
    assert r.code == 0, r
    assert outputs(app).startswith("file=Cargo.toml ")
    assert (app / "requirements.txt").read_text() == "lib==1.0\n"
    # go.mod comes first of all.
    (app / "go.mod").write_text("module m\nrequire lib v1.0\n")
    r = tako("exec", "w", cwd=app)
    assert r.code == 0, r
    assert outputs(app) == "file=go.mod prev=v1.0 version=v2.0 changed=true\n"


def test_ecosystem_picks_its_file_and_path_a_nested_one(tako, ws):
    files = {"go.mod": "module m\nrequire lib v1.0.0\n", "requirements.txt": "lib==1.0\n",
             "web/reqs-dev.txt": "lib>=1.0\n"}
    app = ws.repo("app", bump_yml("{name: lib, version: '3.0', ecosystem: pip}"), files=files)
    r = tako("exec", "w", cwd=app)
    assert r.code == 0, r
    assert (app / "requirements.txt").read_text() == "lib==3.0\n"
    assert (app / "go.mod").read_text() == "module m\nrequire lib v1.0.0\n"
    (app / "tako.yml").write_text(bump_yml("{name: lib, version: '3.0', path: web/reqs-dev.txt}"))
    r = tako("exec", "w", cwd=app)
    assert r.code == 0, r
    assert (app / "web/reqs-dev.txt").read_text() == "lib>=3.0\n"
    assert outputs(app) == "file=web/reqs-dev.txt prev=1.0 version=3.0 changed=true\n"


def test_parameters_are_templates(tako, ws):
    inputs = "    inputs:\n      v: {type: string, default: '1.0.0'}\n      f: {type: string, default: go.mod}\n"
    app = ws.repo("app", bump_yml("{name: lib, version: '{{ .inputs.v }}', path: '{{ .inputs.f }}'}", inputs=inputs),
                  files={"go.mod": "require lib v0.9.0\n"})
    r = tako("exec", "w", "--inputs.v=1.2.3", cwd=app)
    assert r.code == 0, r
    assert (app / "go.mod").read_text() == "require lib v1.2.3\n"


def test_equal_version_succeeds_unchanged_and_leaves_the_file_alone(tako, ws, env):
    app = ws.repo("app", bump_yml("{name: lib, version: '1.0'}"), files={"requirements.txt": "lib==1.0\n"})
    before = os.stat(app / "requirements.txt")
    r = tako("exec", "w", "--preserve-tmp", cwd=app)
    assert r.code == 0, r
    assert outputs(app) == "file=requirements.txt prev=1.0 version=1.0 changed=false\n"
    after = os.stat(app / "requirements.txt")
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert git("status", "--porcelain", cwd=app) == ""
    assert step_log(env, r) == "lib is already at 1.0 in requirements.txt\n"
    assert not (app.parent / "changed").exists()


def test_file_mode_is_kept(tako, ws):
    app = ws.repo("app", bump_yml("{name: lib, version: '2'}"), files={"requirements.txt": "lib==1\n"})
    (app / "requirements.txt").chmod(0o640)
    r = tako("exec", "w", cwd=app)
    assert r.code == 0, r
    assert stat.S_IMODE(os.stat(app / "requirements.txt").st_mode) == 0o640


# ---- errors -----------------------------------------------------------------------------------------------

def test_no_supported_file(tako, ws):
    app = ws.repo("app", bump_yml("{name: lib, version: '1'}"), files={"build.gradle": ""})
    failed_with(tako("exec", "w", cwd=app),
                "no supported dependency file found (go.mod, package.json, pom.xml, Cargo.toml, requirements.txt)")


def test_dependency_not_found_names_the_file(tako, ws):
    app = ws.repo("app", bump_yml("{name: lib, version: '1', ecosystem: maven}"),
                  files={"pom.xml": "<project><dependencies/></project>\n", "go.mod": "require lib v1.0.0\n"})
    failed_with(tako("exec", "w", cwd=app), "dependency 'lib' not found in pom.xml")
    assert (app / "pom.xml").read_text() == "<project><dependencies/></project>\n"
    (app / "tako.yml").write_text(bump_yml("{name: lib, version: '1', path: sub/Cargo.toml}"))
    (app / "sub").mkdir()
    (app / "sub/Cargo.toml").write_text("[dependencies]\nother = '1'\n")
    failed_with(tako("exec", "w", cwd=app), "dependency 'lib' not found in sub/Cargo.toml")


def test_missing_file_and_unreadable_content(tako, ws):
    app = ws.repo("app", bump_yml("{name: lib, version: '1', ecosystem: npm}"), files={"go.mod": ""})
    failed_with(tako("exec", "w", cwd=app), "dependency file 'package.json' not found")
    (app / "package.json").write_text('{"dependencies": {"lib": "1",}}')
    r = tako("exec", "w", cwd=app)
    failed_with(r, "cannot update package.json: invalid JSON: parse error at line 1, column 30: "
                   "syntax error while parsing object key - unexpected '}'; expected string literal")


def test_rendered_path_that_escapes_is_refused(tako, ws, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "go.mod").write_text("require lib v1.0.0\n")
    inputs = "    inputs:\n      f: {type: string, default: go.mod}\n"
    app = ws.repo("app", bump_yml("{name: lib, version: '2', path: '{{ .inputs.f }}'}", inputs=inputs),
                  files={"go.mod": "require lib v1.0.0\n"})
    failed_with(tako("exec", "w", f"--inputs.f={outside}/go.mod", cwd=app),
                f"path '{outside}/go.mod' escapes the repository")
    failed_with(tako("exec", "w", "--inputs.f=../outside/go.mod", cwd=app),
                "path '../outside/go.mod' escapes the repository")
    # A symlink inside the checkout that leads out of it.
    os.symlink(outside, app / "link")
    failed_with(tako("exec", "w", "--inputs.f=link/go.mod", cwd=app), "path 'link/go.mod' escapes the repository")
    assert (outside / "go.mod").read_text() == "require lib v1.0.0\n"
    # A symlink that stays inside is followed, and stays a symlink.
    (app / "real").mkdir()
    (app / "real/go.mod").write_text("require lib v1.0.0\n")
    os.symlink(app / "real", app / "inside")
    r = tako("exec", "w", "--inputs.f=inside/go.mod", cwd=app)
    assert r.code == 0, r
    assert (app / "real/go.mod").read_text() == "require lib v2\n"
    assert (app / "inside").is_symlink()


def test_rendered_parameters_are_checked(tako, ws):
    inputs = "    inputs:\n      v: {type: string, default: '1'}\n      e: {type: string, default: go}\n"
    app = ws.repo("app", bump_yml("{name: lib, version: '{{ .inputs.v }}', ecosystem: '{{ .inputs.e }}'}",
                                  inputs=inputs), files={"go.mod": "require lib v1.0.0\n"})
    failed_with(tako("exec", "w", "--inputs.v=1 2", cwd=app),
                "version '1 2' is not a valid version (letters, digits, '.', '-', '+', '_', '!')")
    failed_with(tako("exec", "w", "--inputs.v=", cwd=app), "version is required for tako/update-dependency@v1")
    failed_with(tako("exec", "w", "--inputs.e=gradle", cwd=app), "ecosystem must be one of: go, npm, maven, cargo, pip")
    assert (app / "go.mod").read_text() == "require lib v1.0.0\n"


def test_validate_and_dry_run_refuse_what_the_step_refuses(tako, ws):
    app = ws.repo("app", bump_yml("{name: lib, version: 1.10, path: /etc/go.mod}"), files={"go.mod": ""})
    r = tako("validate", cwd=app)
    assert r.code == 1, r
    assert ":9:36: invalid workflow 'w': invalid step 0: version must be a string: quote it (YAML reads 1.10 as the " \
           "number 1.1)\n" in r.err, r
    assert ":9:48: invalid workflow 'w': invalid step 0: path '/etc/go.mod' escapes the repository\n" in r.err, r
    # exec reports the first error.
    r = tako("exec", "w", "--dry-run", cwd=app)
    assert r.code == 1, r
    assert r.err.endswith(":9:36: invalid workflow 'w': invalid step 0: version must be a string: quote it (YAML "
                          "reads 1.10 as the number 1.1)\n"), r


# ---- lock files -------------------------------------------------------------------------------------------

def lock_yml(with_block: str, path_value: str) -> str:
    return yml(f"""\
  w:
    steps:
      - id: bump
        uses: tako/update-dependency@v1
        with: {with_block}
        env: {{PATH: '{path_value}'}}
""")


def test_lock_tool_missing_from_path(tako, ws, tmp_path):
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    app = ws.repo("app", lock_yml("{name: lib, version: '2', update_lock_files: true}", str(empty)),
                  files={"go.mod": "require lib v1.0.0\n"})
    failed_with(tako("exec", "w", cwd=app), "lock file update requires 'go' on PATH")
    # The edit itself was made before the lock step.
    assert (app / "go.mod").read_text() == "require lib v2\n"


def test_lock_tool_failure(tako, ws, tmp_path, env):
    record = tmp_path / "go.args"
    bin_dir = fake_tool(tmp_path / "bin", "go", record, status=3)
    app = ws.repo("app", lock_yml("{name: lib, version: '2', update_lock_files: true}", f"{bin_dir}:/usr/bin:/bin"),
                  files={"go.mod": "require lib v1.0.0\n"})
    r = tako("exec", "w", "--preserve-tmp", cwd=app)
    failed_with(r, "lock file update failed: go exit status 3")
    assert record.read_text() == f"mod tidy\n{app}\nGOPROXY=unset\n"
    assert step_log(env, r) == ("Updated lib from v1.0.0 to v2 in go.mod\n$ go mod tidy\ngo says hello\n")


def test_lock_tools_arguments_directory_and_local(tako, ws, tmp_path, env):
    record = tmp_path / "tool.args"
    bin_dir = tmp_path / "bin"
    for tool in ("go", "npm", "cargo"):
        fake_tool(bin_dir, tool, record)
    path = f"{bin_dir}:/usr/bin:/bin"
    files = {"go.mod": "require lib v1.0.0\n", "web/package.json": '{"dependencies": {"lib": "^1.0.0"}}',
             "Cargo.toml": '[dependencies]\nlib = "1.0.0"\n'}
    app = ws.repo("app", lock_yml("{name: lib, version: 2.0.0, update_lock_files: true}", path), files=files)
    r = tako("exec", "w", cwd=app)
    assert r.code == 0, r
    assert record.read_text() == f"mod tidy\n{app}\nGOPROXY=unset\n"
    r = tako("exec", "w", "--local", cwd=app)  # unchanged now: the tool does not run again
    assert r.code == 0, r
    record.unlink()
    (app / "go.mod").write_text("require lib v1.0.0\n")
    r = tako("exec", "w", "--local", cwd=app)
    assert r.code == 0, r
    assert record.read_text() == f"mod tidy\n{app}\nGOPROXY=off\n"
    # npm runs where package.json is, with the registry; --local adds --offline.
    (app / "tako.yml").write_text(lock_yml("{name: lib, version: 2.0.0, update_lock_files: true, "
                                           "path: web/package.json, npm_registry: 'http://127.0.0.1:9/'}", path))
    r = tako("exec", "w", "--local", cwd=app)
    assert r.code == 0, r
    assert record.read_text() == (f"install --package-lock-only --registry http://127.0.0.1:9/ --offline\n"
                                  f"{app}/web\nGOPROXY=unset\n")
    assert (app / "web/package.json").read_text() == '{"dependencies": {"lib": "^2.0.0"}}'
    (app / "tako.yml").write_text(lock_yml("{name: lib, version: 2.0.0, update_lock_files: true, ecosystem: cargo}",
                                           path))
    r = tako("exec", "w", cwd=app)
    assert r.code == 0, r
    assert record.read_text() == f"update -p lib --precise 2.0.0\n{app}\nGOPROXY=unset\n"


def test_lock_update_is_skipped_without_a_change_or_a_lock_file(tako, ws, tmp_path, env):
    record = tmp_path / "tool.args"
    bin_dir = fake_tool(tmp_path / "bin", "go", record, status=3)
    path = f"{bin_dir}:/usr/bin:/bin"
    app = ws.repo("app", lock_yml("{name: lib, version: 1.0.0, update_lock_files: true}", path),
                  files={"go.mod": "require lib v1.0.0\n", "requirements.txt": "lib==1\n"})
    r = tako("exec", "w", "--preserve-tmp", cwd=app)
    assert r.code == 0, r
    assert not record.exists()
    assert step_log(env, r) == "lib is already at v1.0.0 in go.mod\nLock file left as it is: go.mod did not change\n"
    (app / "tako.yml").write_text(lock_yml("{name: lib, version: '2', update_lock_files: true, ecosystem: pip}", path))
    r = tako("exec", "w", "--preserve-tmp", cwd=app)
    assert r.code == 0, r
    assert step_log(env, r) == "Updated lib from 1 to 2 in requirements.txt\nNo lock file to update for pip\n"


def test_requirement_without_version_is_pinned(tako, ws, env):
    app = ws.repo("app", bump_yml("{name: Lib, version: '2.1'}"), files={"requirements.txt": "lib[x]  # any\n"})
    r = tako("exec", "w", "--preserve-tmp", cwd=app)
    assert r.code == 0, r
    assert (app / "requirements.txt").read_text() == "lib[x]==2.1  # any\n"
    assert outputs(app) == "file=requirements.txt prev= version=2.1 changed=true\n"
    assert step_log(env, r) == "Pinned Lib to 2.1 in requirements.txt\n"


def test_step_timeout_applies_to_the_lock_tool(tako, ws, tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    tool = bin_dir / "cargo"
    tool.write_text("#!/bin/sh\nexec sleep 60\n")
    tool.chmod(0o755)
    app = ws.repo("app", yml(f"""\
  w:
    steps:
      - id: bump
        uses: tako/update-dependency@v1
        timeout: 300ms
        with: {{name: lib, version: '2', update_lock_files: true}}
        env: {{PATH: '{bin_dir}:/usr/bin:/bin'}}
"""), files={"Cargo.toml": "[dependencies]\nlib = '1'\n"})
    r = tako("exec", "w", cwd=app, timeout=30)
    failed_with(r, "timed out after 300ms")
    assert (app / "Cargo.toml").read_text() == "[dependencies]\nlib = '2'\n"


def test_on_failure_runs_and_a_relative_path_entry_is_searched_from_the_file_directory(tako, ws, tmp_path):
    app = ws.repo("app", yml("""\
  w:
    steps:
      - id: bump
        uses: tako/update-dependency@v1
        with: {name: lib, version: '2', path: web/package.json, update_lock_files: true}
        env: {PATH: tools}
        on_failure:
          - run: echo "failed" > ../failed
"""), files={"web/package.json": '{"dependencies": {"lib": "1"}}',
             "web/tools/npm": '#!/bin/sh\necho "$@" > ../npm.args\nexit 0\n'})
    (app / "web/tools/npm").chmod(0o755)
    r = tako("exec", "w", cwd=app)
    assert r.code == 0, r
    assert (app / "web/package.json").read_text() == '{"dependencies": {"lib": "2"}}'
    assert (app / "npm.args").read_text() == "install --package-lock-only\n"
    assert not (app.parent / "failed").exists()
    # Without the tool the step fails and its on_failure steps run.
    (app / "web/tools/npm").unlink()
    (app / "web/package.json").write_text('{"dependencies": {"lib": "1"}}')
    r = tako("exec", "w", cwd=app)
    failed_with(r, "lock file update requires 'npm' on PATH")
    assert (app.parent / "failed").read_text() == "failed\n"
