"""`tako schema` (REFERENCE.md §1.13): a JSON Schema (draft 2020-12) of tako.yml that accepts every
file `tako validate` accepts without a warning, and refuses the structural mistakes of the
malformed catalogue (wrong kinds, unknown keys, missing or invalid required values)."""
import json
import re

import jsonschema
import pytest

import spec_examples
import yaml12
from conftest import ROOT

MALFORMED = ROOT / "tests" / "cli" / "malformed"

# Catalogue messages the schema can express (kinds, names, enumerations, required keys, patterns).
DETECTABLE = re.compile(
    r"expected a (mapping|sequence|scalar|boolean)|unknown key|unknown parameter|missing required field"
    r"|must specify either|cannot specify both|is required for|must be a boolean|must be a map"
    r"|must be one of|unknown built-in|invalid step id|must be in format|snake_case|semantic versioning"
    r"|invalid security profile|relative paths not allowed|is reserved|has invalid format|cannot have empty"
    r"|invalid output name|must have at least one step|time: (invalid duration|unknown unit)"
    r"|must be a string|events list cannot be empty|poll target must be|invalid input type")


@pytest.fixture(scope="module")
def schema():
    import subprocess
    from conftest import TAKO_BIN
    out = subprocess.run([TAKO_BIN, "schema"], capture_output=True, text=True, check=True).stdout
    return json.loads(out)


@pytest.fixture(scope="module")
def validator(schema):
    return jsonschema.Draft202012Validator(schema)


def test_schema_is_draft_2020_12(schema, tako):
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)
    r = tako("schema")
    assert r.code == 0 and r.err == ""
    assert tako("schema", "extra").code == 1


def valid_documents(tako, tmp_path):
    """Every tako.yml of the examples and the reference appendices, plus the fuzz corpus files
    that `tako validate` accepts with no warning."""
    docs = {}
    for p in sorted((ROOT / "examples").rglob("tako.yml")):
        docs[str(p.relative_to(ROOT))] = p.read_text()
    for name in dir(spec_examples):
        if name.startswith("APPENDIX_"):
            docs[name] = getattr(spec_examples, name)
    d = tmp_path / "probe"
    d.mkdir()
    for p in sorted((ROOT / "fuzz" / "config" / "corpus").iterdir()):
        text = p.read_bytes()
        try:
            text = text.decode()
        except UnicodeDecodeError:
            continue
        (d / "tako.yml").write_text(text)
        r = tako("validate", "--json", "--root", d)
        if r.code == 0 and json.loads(r.out)["warnings"] == []:
            docs["fuzz corpus " + p.name] = text
    return docs


def test_every_valid_file_passes(validator, tako, tmp_path):
    docs = valid_documents(tako, tmp_path)
    assert len(docs) >= 9
    failures = {}
    for name, text in docs.items():
        errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
                  for e in validator.iter_errors(yaml12.load(text))]
        if errors:
            failures[name] = errors
    assert failures == {}


def test_starter_file_passes(validator, tako, ws):
    path = ws.repo("starter", None)
    assert tako("init", cwd=path).code == 0
    doc = yaml12.load((path / "tako.yml").read_text())
    assert list(validator.iter_errors(doc)) == []


def detectable_cases():
    cases = []
    for p in sorted(MALFORMED.glob("*.yml")):
        header = p.read_text().splitlines()[0]
        m = re.match(r"# (error|warning): \d+:\d+: (.*)", header)
        if m and DETECTABLE.search(m.group(2)):
            cases.append(pytest.param(p, m.group(2), id=p.stem))
    return cases


def test_detectable_sample_is_large():
    assert len(detectable_cases()) >= 40


@pytest.mark.parametrize("path,message", detectable_cases())
def test_malformed_file_fails(validator, path, message):
    doc = yaml12.load(path.read_text())
    assert list(validator.iter_errors(doc)) != [], message


WITH_TEMPLATES = """\
version: 1
workflows:
  w:
    inputs:
      wait: {type: boolean, default: true}
      n: {type: number, validation: {min: 1, max: 5}}
      pick: {type: string, validation: {enum: [a, b]}}
    env: ["A=1"]
    steps:
      - uses: tako/fan-out@v1
        with:
          event_type: "{{ .inputs.pick }}"
          wait_for_children: "{{ .inputs.wait }}"
          concurrency_limit: "2"
          timeout: 1m30s
      - uses: tako/poll@v1
        with: {target: command, command: "true", interval: 500ms, success_on_exit_code: -1}
      - uses: tako/update-dependency@v1
        with: {name: lib, version: 1.2.3, ecosystem: go}
      - uses: tako/create-pull-request@v1
        with: {title: up, draft: true}
      - id: out
        run: echo
        produces:
          outputs: {a: from_stdout, b: "from_file:dir/f.txt", c: "from_env:X", d: "{{ .inputs.pick }}"}
      - echo plain
"""


def test_templates_and_every_builtin_pass(validator, tako, tmp_path):
    (tmp_path / "tako.yml").write_text(WITH_TEMPLATES)
    r = tako("validate", "--root", tmp_path)
    assert (r.code, r.err) == (0, ""), r
    assert list(validator.iter_errors(yaml12.load(WITH_TEMPLATES))) == []


@pytest.mark.parametrize("change", [
    ("concurrency_limit: \"2\"", "concurrency_limit: -1"),
    ("timeout: 1m30s", "timeout: soon"),
    ("ecosystem: go", "ecosystem: gradle"),
    ("draft: true", "draft: maybe"),
    ("interval: 500ms", "interval: 5"),
    ("target: command", "target: shell"),
    ("b: \"from_file:dir/f.txt\"", "b: \"from_file:/etc/passwd\""),
    ("min: 1", "min: low"),
    ("env: [\"A=1\"]", "env: [\"1A=1\"]"),
    ("{type: string, validation: {enum: [a, b]}}", "{type: number, validation: {enum: [a, b]}}"),
    ("{type: boolean, default: true}", "{type: boolean, default: true, required: yes}"),
])
def test_detectable_mistakes_fail(validator, tako, tmp_path, change):
    text = WITH_TEMPLATES.replace(*change)
    assert text != WITH_TEMPLATES
    (tmp_path / "tako.yml").write_text(text)
    assert tako("validate", "--root", tmp_path).code == 1  # validate refuses it too
    assert list(validator.iter_errors(yaml12.load(text))) != []
