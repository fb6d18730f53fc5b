"""Compiling the translation catalogues (locale/<language>/LC_MESSAGES/django.po -> .mo) in pure
Python (polib), so a fresh machine needs no GNU gettext: the compiled files are not committed,
they are made by `make` (the install step), by `recoverypath serve` and `worker`, and by the test
session, whenever one is missing or older than its catalogue.

    python -m recoverypath.core.translations          # compile the stale ones
    python -m recoverypath.core.translations --force  # compile all
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"

logger = logging.getLogger(__name__)


def catalogues(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    return sorted(locale_dir.glob("*/LC_MESSAGES/*.po"))


def is_stale(po: Path) -> bool:
    mo = po.with_suffix(".mo")
    return not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime


def compile_catalogues(*, force: bool = False, locale_dir: Path = LOCALE_DIR) -> list[Path]:
    """Write the .mo of every catalogue that has none or an older one (all with `force`).
    Fuzzy entries are left out, as msgfmt does. Returns the .mo files written."""
    import polib

    written = []
    for po in catalogues(locale_dir):
        if not force and not is_stale(po):
            continue
        mo = po.with_suffix(".mo")
        catalogue = polib.pofile(str(po))
        for entry in catalogue.fuzzy_entries():
            catalogue.remove(entry)
        partial = mo.with_suffix(".mo.tmp")
        catalogue.save_as_mofile(str(partial))
        partial.replace(mo)  # readers never see half a file
        written.append(mo)
    return written


def main(argv: list[str]) -> int:
    written = compile_catalogues(force="--force" in argv)
    for mo in written:
        print(f"compiled {mo}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
