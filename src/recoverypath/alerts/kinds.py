"""Human labels for alert kinds. Raising apps register theirs (`core.hooks.alerts`); unknown
kinds get a label made from the name."""

from __future__ import annotations

from recoverypath.core.hooks.alerts import alert_kind_labels


def kind_label(kind: str) -> str:
    labels = alert_kind_labels()
    if kind in labels:
        return labels[kind]
    name = kind.rsplit(".", 1)[-1].replace("_", " ").strip()
    return name[:1].upper() + name[1:] if name else kind
