"""The external provider directory: the providers clients are referred to at discharge and
whose services make up aftercare plans. Written from discharge's directory pages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from recoverypath.core.audit import Action, audit_record, model_changes, snapshot
from recoverypath.core.modality import Modality, modalities_check
from recoverypath.core.phones import normalize_phone

from ..models import ExternalProvider
from ..permissions import can_manage_provider

if TYPE_CHECKING:
    from recoverypath.accounts.models import User

PROVIDER_FIELDS = [
    "name",
    "kind",
    "services",
    "address",
    "phone",
    "telehealth",
    "modalities",
    "accepted_insurance",
    "accepting_new_clients",
]


def _clean(data: dict[str, Any], provider: ExternalProvider | None = None) -> dict[str, Any]:
    """The fields to set. `modalities` wins over the older `telehealth` flag, which follows
    it (true when video is among them); a caller that gives only `telehealth` adds or removes
    video from the modalities."""
    unknown = set(data) - set(PROVIDER_FIELDS)
    if unknown:
        raise ValidationError({name: "This field cannot be set." for name in sorted(unknown)})
    if "modalities" in data:
        data["modalities"] = modalities_check(data["modalities"])
    elif "telehealth" in data:
        current = list(provider.modalities) if provider is not None else [Modality.IN_PERSON]
        wanted = set(current) - {Modality.VIDEO}
        if data["telehealth"]:
            wanted.add(Modality.VIDEO)
        data["modalities"] = modalities_check(wanted)
    if "modalities" in data:
        data["telehealth"] = Modality.VIDEO in data["modalities"]
    if "phone" in data:
        try:
            data["phone"] = normalize_phone(data["phone"] or "")
        except ValidationError as exc:
            raise ValidationError({"phone": exc.messages}) from exc
    return data


def external_provider_create(*, actor: User, organization, **data: Any) -> ExternalProvider:
    """Add a provider to the organization's directory. Coordinators and above."""
    if not can_manage_provider(actor, organization.id):
        raise PermissionDenied("You cannot change this organization's provider directory.")
    provider = ExternalProvider(organization=organization, **_clean(data))
    provider.full_clean()
    with transaction.atomic():
        provider.save()
        audit_record(
            actor=actor,
            action=Action.CREATE,
            obj=provider,
            organization_id=organization.id,
            changes=model_changes({}, snapshot(provider, PROVIDER_FIELDS)),
        )
    return provider


def external_provider_update(
    *, actor: User, provider: ExternalProvider, **data: Any
) -> ExternalProvider:
    if not can_manage_provider(actor, provider.organization_id):
        raise PermissionDenied("You cannot change this organization's provider directory.")
    data = _clean(data, provider)
    before = snapshot(provider, PROVIDER_FIELDS)
    for name, value in data.items():
        setattr(provider, name, value)
    provider.full_clean()
    with transaction.atomic():
        provider.save()
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=provider,
            organization_id=provider.organization_id,
            changes=model_changes(before, snapshot(provider, PROVIDER_FIELDS)),
        )
    return provider
