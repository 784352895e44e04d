"""The built-in policies: JSON files shipped in ``paychase/policy/builtin/``, loaded by name.

Each is documented in docs/policies/ with the practice it follows. A built-in whose ladder
changed keeps its earlier versions in ``builtin/past/`` (``name@version.json``): an invoice
stays on the version it entered dunning under, so a case holding the current built-in also
holds those (`past_versions`), and a paychase upgrade never strands an invoice in dunning.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib.resources import files
from typing import Literal

from paychase.errors import PolicyError
from paychase.policy._policy import Policy

__all__ = [
    "BUILTIN_POLICIES",
    "CHASE_POLICIES",
    "BuiltinName",
    "ChaseName",
    "builtin_policy",
    "past_versions",
    "resolve_policy",
]

BuiltinName = Literal["freelancer", "b2b_strict", "saas", "tradesperson"]
"""The names of the built-in payment policies (see docs/policies/)."""
BUILTIN_POLICIES: tuple[BuiltinName, ...] = ("freelancer", "b2b_strict", "saas", "tradesperson")
ChaseName = Literal["prospect", "project"]
"""The names of the built-in policies that chase an answer rather than a payment."""
CHASE_POLICIES: tuple[ChaseName, ...] = ("prospect", "project")


@lru_cache(maxsize=len(BUILTIN_POLICIES) + len(CHASE_POLICIES))
def builtin_policy(name: str) -> Policy:
    """The built-in policy `name`: a payment one, or a chase for an answer (see docs/policies/).

    Raises:
        PolicyError: when there is no built-in policy of that name.

    Examples:
        >>> builtin_policy("freelancer").steps[1].id
        'polite'
        >>> builtin_policy("prospect").purpose
        'prospect'
    """
    names: tuple[str, ...] = (*BUILTIN_POLICIES, *CHASE_POLICIES)
    if name not in names:
        raise PolicyError(
            f"unknown built-in policy; choose one of {', '.join(names)} or give an inline policy",
            field="policy",
            value=name,
        )
    text = files("paychase.policy").joinpath("builtin", f"{name}.json").read_text(encoding="utf-8")
    return Policy.model_validate(json.loads(text))


@lru_cache(maxsize=len(BUILTIN_POLICIES) + len(CHASE_POLICIES))
def past_versions(name: str) -> tuple[Policy, ...]:
    """The earlier versions of the built-in policy `name`, oldest first (none for other names).

    Examples:
        >>> [p.version for p in past_versions("b2b_strict")]
        [1]
        >>> past_versions("my_own")
        ()
    """
    past = files("paychase.policy").joinpath("builtin", "past")
    found = [
        Policy.model_validate(json.loads(entry.read_text(encoding="utf-8")))
        for entry in past.iterdir()
        if entry.name.startswith(f"{name}@") and entry.name.endswith(".json")
    ]
    return tuple(sorted(found, key=lambda policy: policy.version))


def resolve_policy(policy: str | Policy) -> Policy:
    """A policy object from a built-in name or an inline policy."""
    return builtin_policy(policy) if isinstance(policy, str) else policy
