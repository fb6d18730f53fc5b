"""What the testing endpoints share: help texts, the `client` filter, panels named for a client,
and list errors keyed as the services key them."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from recoverypath.core.params import id_param

from .. import selectors

SPECIMEN_HELP = "urine, oral_fluid or breath"
WEEKDAY_HELP = "0 = Monday ... 6 = Sunday"


def panel_for_client(client, panel):
    """The panel named (already within the caller's reach), if it is one for the client's
    program."""
    if panel is None:
        return None
    if not selectors.panels_for(program_id=client.program_id).filter(pk=panel.pk).exists():
        raise serializers.ValidationError({"panel": ["No such panel for this client's program."]})
    return panel


def indexed_errors(errors: dict) -> dict:
    """Nested list errors keyed `results[0].analyte`, as the services key them (DRF gives
    `{index: errors}` for a list of objects)."""
    out = {}
    for name, value in errors.items():
        if isinstance(value, dict) and all(str(k).isdigit() for k in value):
            for index, inner in value.items():
                for field, messages in inner.items() if isinstance(inner, dict) else []:
                    out[f"{name}[{index}].{field}"] = messages
        else:
            out[name] = value
    return out


def client_filtered(qs, params):
    client_id = id_param(params, "client")
    if client_id:
        qs = qs.filter(client_id=client_id)
    return qs


CLIENT_PARAM = OpenApiParameter("client", int, description="Only this client's rows.")
