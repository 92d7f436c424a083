"""Inputs found by the fuzz targets (docs/FUZZING.md), each answered with a clean, positioned error."""
import pathlib
import subprocess

import pytest

from conftest import TAKO_BIN

FINDINGS = pathlib.Path(__file__).resolve().parents[2] / "fuzz" / "config" / "corpus"


@pytest.mark.parametrize("name", sorted(p.name for p in FINDINGS.glob("yaml_cpp_flow_hang*.yml")))
def test_config_fuzzer_finding_is_rejected_promptly(ws, env, name):
    # yaml-cpp 0.7 never returned on these malformed flow collections (its memory grew until killed).
    repo = ws.repo("finding", None)
    (repo / "tako.yml").write_bytes((FINDINGS / name).read_bytes())
    r = subprocess.run([TAKO_BIN, "validate"], cwd=repo, env=env, capture_output=True, text=True, timeout=20)
    assert r.returncode == 1, r
    assert r.stderr.startswith(f"Error: could not unmarshal config: {repo}/tako.yml:1:"), r.stderr
