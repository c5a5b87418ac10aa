"""benchmarks/run.py's seed section measures every file it is given (it once broke silently
when parse_speed changed, writing an error for each seed into the JSON)."""

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run_module():
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "benchmarks" / "run.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


def test_seed_times_sit_beside_their_floor(capsys):
    files = [str(ROOT / "fixtures" / "notices" / n) for n in ("004_notice.html", "002_notice.docx")]
    rows = _run_module().measure_seeds(files)
    assert [r["format"] for r in rows] == ["html", "docx"]
    for row in rows:
        assert "error" not in row
        assert row["parse_ms"] > 0 and row["floor_ms"] > 0
    assert "004_notice.html" in capsys.readouterr().out
