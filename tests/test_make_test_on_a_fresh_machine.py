"""`make test` on a fresh machine: it installs the system packages the suite needs (Chromium, fonts,
Pango) when they are missing, says clearly when it cannot, and finds a Python 3.11+ by any name."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MAKE = shutil.which("make")
pytestmark = pytest.mark.skipif(MAKE is None, reason="needs make")


def _executable(path: Path, body: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)
    return path


def _present(tmp_path: Path) -> dict[str, str]:
    """Make variables pointing at a browser, a font and a Pango library that all exist."""
    chromium = _executable(tmp_path / "have" / "chromium", "exit 0\n")
    font = tmp_path / "have" / "DejaVuSans.ttf"
    font.write_text("font")
    pango = tmp_path / "have" / "libpangoft2-1.0.so.0"
    pango.write_text("lib")
    return {"CHROMIUM_PATH": str(chromium), "DEJAVU_FONT": str(font), "PANGO_LIBS": str(pango)}


def _recording_installer(tmp_path: Path, *, creates: Path | None = None, fails: bool = False):
    calls = tmp_path / "installer-calls.txt"
    body = f'echo "$@" >> "{calls}"\n'
    if creates is not None:
        body += f'mkdir -p "{creates.parent}" && printf "#!/bin/sh\\n" > "{creates}" '
        body += f'&& chmod +x "{creates}"\n'
    body += "exit 1\n" if fails else "exit 0\n"
    return _executable(tmp_path / "stub-installer", body), calls


def _make(*args: str, env: dict[str, str] | None = None, **variables: str):
    assignments = [f"{name}={value}" for name, value in variables.items()]
    return subprocess.run(
        [MAKE, "-s", "-C", str(ROOT), *args, *assignments],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )


def test_make_test_installs_chromium_when_the_browser_is_missing(tmp_path):
    variables = _present(tmp_path)
    nowhere = tmp_path / "nowhere" / "chromium"
    installer, calls = _recording_installer(tmp_path, creates=nowhere)
    variables.update(CHROMIUM_PATH=str(nowhere), SYSTEM_INSTALL=str(installer))

    result = _make("test-deps", **variables)

    assert result.returncode == 0, result.stdout + result.stderr
    assert calls.read_text().split() == ["chromium"]
    assert "missing system packages: chromium" in result.stdout


def test_it_installs_the_fonts_and_pango_weasyprint_needs(tmp_path):
    variables = _present(tmp_path)
    installer, calls = _recording_installer(tmp_path)
    variables.update(
        DEJAVU_FONT=str(tmp_path / "no-font.ttf"),
        PANGO_LIBS=str(tmp_path / "no-lib.so"),
        SYSTEM_INSTALL=str(installer),
    )

    result = _make("test-deps", **variables)

    assert result.returncode == 0, result.stdout + result.stderr
    assert calls.read_text().split() == [
        "fonts-dejavu-core",
        "libpango-1.0-0",
        "libpangoft2-1.0-0",
    ]


def test_nothing_is_installed_when_everything_is_present(tmp_path):
    installer, calls = _recording_installer(tmp_path)
    result = _make("test-deps", SYSTEM_INSTALL=str(installer), **_present(tmp_path))
    assert result.returncode == 0, result.stderr
    assert not calls.exists()


def test_a_failed_install_stops_make_test_with_a_clear_message(tmp_path):
    variables = _present(tmp_path)
    installer, _calls = _recording_installer(tmp_path, fails=True)
    variables.update(CHROMIUM_PATH=str(tmp_path / "nowhere"), SYSTEM_INSTALL=str(installer))

    result = _make("test", **variables)

    assert result.returncode != 0
    assert "could not install: chromium" in result.stderr
    assert "pytest" not in result.stdout  # the suite did not start


def test_an_install_that_leaves_no_browser_says_where_it_looked(tmp_path):
    variables = _present(tmp_path)
    installer, _calls = _recording_installer(tmp_path)
    nowhere = tmp_path / "nowhere" / "chromium"
    variables.update(CHROMIUM_PATH=str(nowhere), SYSTEM_INSTALL=str(installer))

    result = _make("test-deps", **variables)

    assert result.returncode != 0
    assert f"Chromium still not found at {nowhere}" in result.stderr


def test_the_installer_says_what_to_run_without_root_or_sudo(tmp_path):
    bin_dir = tmp_path / "bin"
    _executable(bin_dir / "apt-get", "echo apt-get ran >&2; exit 0\n")
    _executable(bin_dir / "id", "echo 1000\n")  # not root, and no sudo on this PATH

    result = subprocess.run(
        [str(ROOT / "scripts" / "install-system-packages"), "chromium", "fonts-dejavu-core"],
        capture_output=True,
        text=True,
        timeout=30,
        env={"PATH": str(bin_dir)},
    )

    assert result.returncode == 1
    assert "sudo apt-get install -y chromium fonts-dejavu-core" in result.stderr
    assert "apt-get ran" not in result.stderr


@pytest.mark.parametrize(
    ("pythons", "chosen"),
    [
        ({"python3.12": True, "python3": False}, "python3.12"),
        ({"python3.13": False, "python3": True}, "python3"),
    ],
)
def test_make_finds_a_python_of_at_least_3_11_by_any_name(tmp_path, pythons, chosen):
    bin_dir = tmp_path / "bin"
    for name, new_enough in pythons.items():
        _executable(bin_dir / name, "exit 0\n" if new_enough else "exit 1\n")
    venv = tmp_path / "venv"
    env = {"PATH": f"{bin_dir}:{_tools_only(tmp_path)}", "HOME": str(tmp_path)}

    result = _make("-n", f"{venv}/bin/python", env=env, VENV=str(venv))

    assert result.returncode == 0, result.stderr
    assert f'"{chosen}" -m venv {venv}' in result.stdout


def test_make_refuses_clearly_when_no_python_is_new_enough(tmp_path):
    bin_dir = tmp_path / "bin"
    _executable(bin_dir / "python3", "exit 1\n")  # a Python 3.10
    venv = tmp_path / "venv"
    env = {"PATH": f"{bin_dir}:{_tools_only(tmp_path)}", "HOME": str(tmp_path)}

    result = _make(f"{venv}/bin/python", env=env, VENV=str(venv))

    assert result.returncode != 0
    assert "needs Python 3.11 or newer" in result.stderr
    assert not venv.exists()


def _tools_only(tmp_path: Path) -> str:
    """A directory with the shell tools make's recipes use, and no Python at all."""
    tools = tmp_path / "tools"
    tools.mkdir(exist_ok=True)
    for name in ("sh", "echo", "true"):
        found = shutil.which(name)
        if found and not (tools / name).exists():
            os.symlink(found, tools / name)
    return str(tools)
