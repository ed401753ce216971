"""The deployment's systemd units as systemd itself reads them (``systemd-analyze verify``):
every directive known and well formed, the commands they start present in the virtual
environment the README's steps install. The paths of a server (``/srv/workflow``,
``/etc/workflow/env``) are replaced by this checkout's."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / ".ci" / "deploy"
UNITS = {"workflow-web@.service": "workflow-web@8000.service", "workflow-worker.service": None}

pytestmark = pytest.mark.skipif(
    shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed"
)


@pytest.mark.parametrize("unit", sorted(UNITS))
def test_systemd_reads_the_unit_without_a_complaint(unit, tmp_path):
    text = (DEPLOY / unit).read_text(encoding="utf-8")
    assert "/srv/workflow" in text and "/etc/workflow/env" in text
    local = text.replace("/srv/workflow", str(ROOT)).replace(
        "/etc/workflow/env", str(DEPLOY / "workflow.env.example")
    )
    # a template is verified as one of its instances
    path = tmp_path / (UNITS[unit] or unit)
    path.write_text(local, encoding="utf-8")
    result = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    complaints = [line for line in result.stderr.splitlines() if path.name in line]
    assert result.returncode == 0 and not complaints, result.stderr
    executable = local.split("ExecStart=", 1)[1].split()[0]
    assert Path(executable).is_file(), executable


def test_a_misspelt_directive_is_caught(tmp_path):
    """The check above would see a unit systemd does not understand."""
    path = tmp_path / "workflow-worker.service"
    path.write_text(
        (DEPLOY / "workflow-worker.service")
        .read_text(encoding="utf-8")
        .replace("/srv/workflow", str(ROOT))
        .replace("Type=simple", "Type=simpel"),
        encoding="utf-8",
    )
    result = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", str(path)], capture_output=True, text=True
    )
    assert any(path.name in line and "simpel" in line for line in result.stderr.splitlines())
