"""Chases that are not about money: a silent prospect, a client silent mid-project."""

from __future__ import annotations

from typing import Annotated, Literal, Self

from pydantic import BeforeValidator, Field, model_validator

from paychase._model import FrozenModel
from paychase._text import MAX_NAME, HeaderLine, Text
from paychase.case._types import Identifier, Moment, _policy_by_name
from paychase.policy._builtin import resolve_policy
from paychase.policy._policy import Policy

__all__ = ["Chase"]


class Chase(FrozenModel):
    """A conversation that is not about money owed: a client who went silent.

    ``prospect``: a prospect did not answer our proposal or quote. ``project``: a client in the
    middle of a project did not answer a question the work waits on (feedback, an approval, a
    document); its contract's kill-fee terms are quoted when the work is to pause. The chase
    ends when the client writes or the host closes it.
    """

    id: Identifier = Field(
        description="The chase's id, unique among the chases: letters, digits and _ . : - "
        "(no '/' or '+')"
    )
    client: Text = Field(description="The id of the client who went silent, in `clients`")
    kind: Literal["prospect", "project"] = Field(
        description="prospect: silent after our proposal or quote; project: silent in the "
        "middle of a project that waits on them"
    )
    started: Moment = Field(description="When our unanswered message went out")
    subject: HeaderLine = Field(
        description="What we wait on, as messages (and their subjects) name it, e.g. 'the quote "
        f"for your new website': one line of at most {MAX_NAME} characters, without an RFC 2047 "
        "encoded word ('=?...?=')"
    )
    contract: Text | None = Field(
        default=None, description="project: the contract whose work waits"
    )
    policy: Annotated[
        Policy | None, BeforeValidator(_policy_by_name, json_schema_input_type=Policy | str | None)
    ] = Field(default=None, description="Default: the built-in policy named like the kind")
    status: Literal["open", "closed"] = Field(
        default="open", description="closed: the host ended the chase (signed, cancelled, answered)"
    )

    @property
    def ladder(self) -> Policy:
        """The policy the chase follows."""
        return self.policy if self.policy is not None else resolve_policy(self.kind)

    @model_validator(mode="after")
    def _fits_its_kind(self) -> Self:
        if self.kind == "project" and self.contract is None:
            raise ValueError("a project chase names the 'contract' whose work waits")
        if self.ladder.purpose != self.kind:
            raise ValueError(
                f"policy '{self.ladder.name}' is for {self.ladder.purpose} chases, not {self.kind}"
            )
        return self
