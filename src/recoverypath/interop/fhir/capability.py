"""The CapabilityStatement, built from the same tables the URL map is built from, so it lists
exactly what is served (tests/interop/test_fhir_capability.py compares the two)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from fhir.resources.R4B.capabilitystatement import CapabilityStatement

from .mapping import RESOURCE_TYPES
from .search_params import COMMON_PARAMS, PARAM_DOCS, SEARCH_PARAMS

BULK = "http://hl7.org/fhir/uv/bulkdata"
# (resource type or "" for the system, operation name, canonical definition)
OPERATIONS: tuple[tuple[str, str, str], ...] = (
    ("Patient", "everything", "http://hl7.org/fhir/OperationDefinition/Patient-everything"),
    ("", "export", f"{BULK}/OperationDefinition/export"),
    ("Patient", "export", f"{BULK}/OperationDefinition/patient-export"),
    ("Group", "export", f"{BULK}/OperationDefinition/group-export"),
)
# Types with read and search-type interactions.
READ_SEARCH_TYPES: tuple[str, ...] = RESOURCE_TYPES

COMMON_DOCS = {"_count": "number", "_lastUpdated": "date", "_include": "special"}


def capability_statement() -> CapabilityStatement:
    resources: list[dict[str, Any]] = []
    for resource_type in READ_SEARCH_TYPES:
        params = [
            {"name": name, "type": PARAM_DOCS[name]} for name in SEARCH_PARAMS[resource_type]
        ] + [
            {"name": name, "type": COMMON_DOCS[name]}
            for name in COMMON_PARAMS
            if not (name == "_include" and resource_type == "Patient")
        ]
        entry: dict[str, Any] = {
            "type": resource_type,
            "interaction": [{"code": "read"}, {"code": "search-type"}],
            "searchParam": params,
        }
        if resource_type != "Patient":
            entry["searchInclude"] = [f"{resource_type}:patient"]
        operations = [
            {"name": name, "definition": definition}
            for owner, name, definition in OPERATIONS
            if owner == resource_type
        ]
        if operations:
            entry["operation"] = operations
        resources.append(entry)
    group_operations = [
        {"name": name, "definition": definition}
        for owner, name, definition in OPERATIONS
        if owner == "Group"
    ]
    if group_operations:
        resources.append({"type": "Group", "operation": group_operations})
    return CapabilityStatement.model_validate(
        {
            "status": "active",
            "date": "2026-11-26",
            "publisher": "RecoveryPath",
            "kind": "instance",
            "instantiates": [f"{BULK}/CapabilityStatement/bulk-data"],
            "software": {"name": "RecoveryPath", "version": getattr(settings, "APP_VERSION", "1")},
            "implementation": {"description": "RecoveryPath FHIR R4 API (read-only)"},
            "fhirVersion": "4.0.1",
            "format": ["application/fhir+json", "json"],
            "rest": [
                {
                    "mode": "server",
                    "security": {
                        "description": "Token authentication (`Authorization: Token <key>`, "
                        "the same tokens as /api/v1) or a signed-in session. Staff read the "
                        "clients of their programs; a client reads only their own record; the "
                        "recipient of an active 42 CFR Part 2 consent reads only the resources "
                        "of the consented categories, each read logged as a disclosure.",
                    },
                    "resource": resources,
                    **(
                        {"operation": system_operations}
                        if (
                            system_operations := [
                                {"name": name, "definition": definition}
                                for owner, name, definition in OPERATIONS
                                if owner == ""
                            ]
                        )
                        else {}
                    ),
                }
            ],
        }
    )
