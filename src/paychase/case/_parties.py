"""The parties: the client who owes (and how to reach them) and the sender who is owed."""

from __future__ import annotations

from typing import Annotated, Literal, Self

import holidays
from pydantic import BeforeValidator, Field, model_validator

from paychase._model import FrozenModel
from paychase._text import MAX_EMAIL, MAX_LINE, MAX_NAME, Contact, EmailAddress, HeaderLine, Line
from paychase.case._holds import Hold, OptOut
from paychase.case._types import (
    CountryCode,
    Identifier,
    LocaleName,
    TimeZoneName,
    _policy_by_name,
)
from paychase.errors import InvalidCaseError
from paychase.policy._builtin import BuiltinName
from paychase.policy._policy import Channel, Policy

__all__ = ["BankAccount", "Client", "Contacts", "Sender"]


class Contacts(FrozenModel):
    """Where a client can be reached; a channel without an address here is never used."""

    email: EmailAddress | None = Field(
        default=None,
        description=f"E-mail address: a plain local@domain of at most {MAX_EMAIL} characters",
    )
    phone: Contact | None = Field(default=None, description="Phone number for calls")
    sms: Contact | None = Field(default=None, description="Mobile number for text messages")
    postal: Contact | None = Field(
        default=None, description=f"Postal address for letters, on one line of at most {MAX_LINE}"
    )
    messenger: Contact | None = Field(default=None, description="Messenger handle")
    linkedin: Contact | None = Field(default=None, description="LinkedIn profile")
    fax: Contact | None = Field(default=None, description="Fax number")

    def address_for(self, channel: Channel) -> str | None:
        """The address a channel would use (letters go to the postal address)."""
        if channel in ("letter", "registered_letter"):
            return self.postal
        if channel == "system":
            return None
        address: str | None = getattr(self, channel)
        return address


def _subdivision_known(country: str, subdivision: str | None) -> None:
    known = holidays.list_supported_countries().get(country)
    if subdivision is not None and known is not None and subdivision not in known:
        raise InvalidCaseError(
            f"not a subdivision the holidays calendar knows for {country} "
            f"(one of: {', '.join(known[:12])}{', ...' if len(known) > 12 else ''})",
            field="subdivision",
            value=subdivision,
        )


class Client(FrozenModel):
    """A customer who owes money, and how and when to talk to them."""

    id: Identifier = Field(
        description="The client's id, unique among the clients: letters, digits and _ . : - "
        "(no '/' or '+')"
    )
    name: HeaderLine = Field(
        description=f"Name as addressed in messages and letters: one line of at most {MAX_NAME} "
        "characters, without an RFC 2047 encoded word ('=?...?=')"
    )
    kind: Literal["business", "consumer"] = Field(
        default="business",
        description="Business clients may owe statutory interest and compensation",
    )
    country: CountryCode = Field(description="ISO 3166-1 alpha-2; picks the holiday calendar")
    subdivision: Line | None = Field(
        default=None,
        description="Region whose holidays apply, as the holidays package names it (DE: BY)",
    )
    locale: LocaleName = Field(
        default="en", description="Language and formats of messages, e.g. pl_PL"
    )
    timezone: TimeZoneName = Field(
        description="IANA time zone; bare dates and send times are local to it"
    )
    contacts: Contacts = Field(
        default_factory=Contacts,
        description="Where the client can be reached; a channel without an address is never used",
    )
    preferred_channel: Channel | None = Field(
        default=None,
        description="The channel tried first when none of a step's channels works for the client",
    )
    policy: Annotated[
        Policy | None,
        BeforeValidator(_policy_by_name, json_schema_input_type=Policy | BuiltinName | None),
    ] = Field(
        default=None,
        description="The client's policy (a built-in name or an inline policy): its ladder for "
        "the client's invoices (a contract's or an invoice's own policy beats it) and its "
        "timing (min_gap, send_at, quiet hours, reply pause) for every contact with the "
        "client; omitted: the case's",
    )
    hold: Hold | None = Field(
        default=None,
        description="Nothing is sent to the client while this holds (reviews still are)",
    )
    opt_outs: tuple[OptOut, ...] = Field(
        default=(),
        description="Channels the client objected to: never used for them, as if they had no "
        "address, and the plan says why",
    )

    @model_validator(mode="after")
    def _subdivision_exists(self) -> Self:
        _subdivision_known(self.country, self.subdivision)
        return self


class BankAccount(FrozenModel):
    """Where the client should pay: printed on every message that asks for money."""

    account: Line = Field(description="IBAN or domestic account number")
    bank: Line | None = Field(default=None, description="The bank's name")
    bic: Line | None = Field(default=None, description="BIC / SWIFT code")
    holder: HeaderLine | None = Field(
        default=None,
        description=f"Account holder, if not the sender; at most {MAX_NAME} characters",
    )


class Sender(FrozenModel):
    """Who is asking to be paid: the identity printed on messages, letters and call scripts.

    Letters before action must name the creditor in full and say how to pay (the UK Pre-Action
    Protocol for Debt Claims, art. 187 KPC for a Polish demand), so a rendered message needs it.
    """

    name: HeaderLine = Field(
        description=f"Business or trading name, as on the invoices: one line of at most {MAX_NAME} "
        "characters, without an RFC 2047 encoded word ('=?...?=')"
    )
    signatory: HeaderLine | None = Field(
        default=None,
        description=f"The person who signs, e.g. Anna Nowak; at most {MAX_NAME} characters",
    )
    address: Line | None = Field(
        default=None, description=f"Postal address, on one line of at most {MAX_LINE} characters"
    )
    email: EmailAddress | None = Field(
        default=None,
        description=f"Reply-to e-mail address: a plain local@domain of at most {MAX_EMAIL} "
        "characters",
    )
    phone: Line | None = Field(default=None, description="Phone number clients may call")
    website: Line | None = Field(default=None, description="Website address, as printed")
    tax_id: Line | None = Field(default=None, description="VAT / tax identification number")
    registration: Line | None = Field(
        default=None, description="Company register entry, e.g. KRS 0000123456 or HRB 12345"
    )
    bank_account: BankAccount | None = Field(
        default=None, description="Where clients should pay; printed on messages that ask for money"
    )
    locale: LocaleName = Field(
        default="en", description="Language of tasks for the sender (reviews, fee bookings)"
    )
