"""What a check-in's receivers read with the client's recent check-ins, in the same statement.

`monitoring.services.check_in_submit` reads the client's latest check-ins (up to the day being
submitted) once, before its upsert: the day's row gives the audit its "before", the rows are
what the immediate rules look at. A later app whose `check_in_submitted` receiver needs one more
value per submission (the early-warning rules: has this client an open warning that a check-in
could end? incentives: does the client's program reward anything now?) registers a
provider(client) -> {name: expression}. Each expression is annotated on that read, so it must
not depend on the check-in row; its value reaches the receivers in `inputs`, or None when the
client had no check-in yet (the receiver then reads it itself).
"""

from __future__ import annotations

from typing import Any, Protocol

from django.db.models import Expression

from . import Hook


class RuleInputs(Protocol):
    # `client`: a clients.Client (core comes before clients, so the type is not named here).
    def __call__(self, client: Any, /) -> dict[str, Expression]: ...


check_in_rule_inputs: Hook[RuleInputs] = Hook(
    "check-in rule inputs",
    "provider(client) -> {name: expression} read with a submission's recent check-ins",
)


def register_check_in_rule_inputs(provider: RuleInputs) -> RuleInputs:
    return check_in_rule_inputs.register(provider)


def rule_input_expressions(client: Any) -> dict[str, Expression]:
    expressions: dict[str, Expression] = {}
    for provider in check_in_rule_inputs.entries():
        expressions.update(provider(client))
    return expressions
