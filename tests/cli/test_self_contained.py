"""The project is self-contained (issue 15, item 7): no file points outside the repository, section references
name sections that exist in docs/REFERENCE.md, and the CEL conformance data the gate needs is in the repository.

These tests read the source tree only; they do not run tako."""

import pathlib
import re
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "docs" / "REFERENCE.md"
CEL_DATA = ROOT / "tests" / "conformance" / "cel" / "data"

# Split so that this file does not match itself.
OUTSIDE = ["../" + "shared", "shared/" + "SP" + "EC", "shared/" + "conformance", "/work/" + "shared"]
OLD_NAME = re.compile(r"\b" + "SP" + r"EC(\.md\b| §| Appendix| appendices| \d)")
SECTION = re.compile(r"§(\d+(?:\.\d+)*)")


def project_files():
    """Tracked files (git ls-files), or every file outside build directories when there is no git checkout."""
    try:
        out = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z"], check=True, capture_output=True).stdout
        paths = [ROOT / p for p in out.decode().split("\0") if p]
    except (OSError, subprocess.CalledProcessError):
        paths = [p for p in ROOT.rglob("*") if not any(part.startswith(("build", ".git")) for part in
                                                         p.relative_to(ROOT).parts)]
    return [p for p in paths if p.is_file() and not p.is_symlink()]


def text_files():
    for path in project_files():
        data = path.read_bytes()
        if b"\0" in data[:8192]:
            continue
        yield path, data.decode("utf-8", errors="replace")


def third_party_data(path):
    """Conformance data and fuzz corpora: other people's text, not references to this project's documents."""
    parts = path.relative_to(ROOT).parts
    return parts[0] in {"tests", "fuzz"} and any(p in {"data", "corpus", "testdata"} for p in parts)


def reference_sections():
    """Section numbers of the headings, plus "<section>.<k>" for item k of a numbered list in that section
    ("§6.4" is item 4 of §6)."""
    sections, current = set(), None
    for line in REFERENCE.read_text(encoding="utf-8").splitlines():
        m = re.match(r"#{2,4} (\d+(?:\.\d+)*)\.? ", line)
        if m:
            current = m.group(1)
            sections.add(current)
            continue
        item = re.match(r"(\d+)\. ", line)
        if item and current:
            sections.add(f"{current}.{item.group(1)}")
    return sections


def test_reference_keeps_the_section_numbering():
    sections = reference_sections()
    assert {str(n) for n in range(0, 17)} <= sections
    for s in ["1.6.1", "1.6.2", "1.6.3", "2", "4.7", "7.13", "8.5", "9.6", "10.12", "11.6", "12.3", "13.4", "14",
              "15.2", "16"]:
        assert s in sections, s
    text = REFERENCE.read_text(encoding="utf-8")
    assert "## Appendix A" in text and "## Appendix B" in text


def test_no_file_points_outside_the_repository():
    found = [f"{p.relative_to(ROOT)}:{n}: {line.strip()}"
             for p, text in text_files()
             for n, line in enumerate(text.splitlines(), 1)
             if any(o in line for o in OUTSIDE)]
    assert found == []


def test_no_reference_to_the_old_spec_file():
    # Comments say "REFERENCE.md §8.2" (or a bare "§8.2"), not the name of the specification tako was built from,
    # which a user of the project does not have.
    found = [f"{p.relative_to(ROOT)}:{n}: {line.strip()}"
             for p, text in text_files() if not third_party_data(p)
             for n, line in enumerate(text.splitlines(), 1)
             if OLD_NAME.search(line)]
    assert found == []


def test_every_section_reference_exists_in_the_reference():
    sections = reference_sections()
    missing = []
    for p, text in text_files():
        if p.suffix not in {".md", ".h", ".cpp", ".py", ".sh", ".txt", ".cmake", ".dict"} and p.name != "Makefile":
            continue
        if third_party_data(p):
            continue
        for n, line in enumerate(text.splitlines(), 1):
            for m in SECTION.finditer(line):
                number = m.group(1).rstrip(".")
                if number not in sections:
                    missing.append(f"{p.relative_to(ROOT)}:{n}: §{number}")
    assert missing == []


def test_cel_conformance_data_is_in_the_repository():
    for name, lines in [("cases.jsonl", 1746), ("ext_strings.jsonl", 247)]:
        with open(CEL_DATA / name, encoding="utf-8") as fh:
            assert sum(1 for line in fh if line.strip()) == lines, name
    for name in ["run.py", "compare.py", "README.md", "LICENSE-Apache-2.0"]:
        assert (CEL_DATA / name).is_file(), name
    assert "Apache License" in (CEL_DATA / "LICENSE-Apache-2.0").read_text(encoding="utf-8")
    gate = (ROOT / "tests" / "conformance" / "cel" / "gate.py").read_text(encoding="utf-8")
    assert "default=os.path.join(HERE, 'data')" in gate
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^CONFORMANCE_DIR \?= \$\(abspath tests/conformance/cel/data\)$", makefile, re.M)
    run_tests = (ROOT / "scripts" / "run-tests.sh").read_text(encoding="utf-8")
    assert "$root/tests/conformance/cel/data" in run_tests


@pytest.mark.parametrize("doc", ["README.md", "docs/ARCHITECTURE.md"])
def test_entry_documents_name_the_reference(doc):
    assert "REFERENCE.md" in (ROOT / doc).read_text(encoding="utf-8")
