"""Human labels for alert kinds. Raising apps may register theirs; unknown kinds get a label
made from the name."""

from __future__ import annotations

_labels: dict[str, str] = {}


def register_kind(kind: str, label: str) -> None:
    _labels[kind] = label


def kind_label(kind: str) -> str:
    if kind in _labels:
        return _labels[kind]
    name = kind.rsplit(".", 1)[-1].replace("_", " ").strip()
    return name[:1].upper() + name[1:] if name else kind
