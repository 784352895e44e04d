"""The parties: the client who owes (and how to reach them) and the sender who is owed."""

from __future__ import annotations

from typing import Annotated, Any, Literal, Self

import holidays
from pydantic import BeforeValidator, Discriminator, Field, Tag, model_validator

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
from paychase.policy._policy import Channel, ContactRole, Policy

__all__ = ["BankAccount", "Client", "ContactPerson", "Contacts", "Sender"]


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


class ContactPerson(Contacts):
    """One person at the client: who they are, what they do there, and how to reach them.

    A client may have several (the accounts department, the account manager, the owner); a
    step addresses its message to some of them by role (`Step.to`, `Step.cc`). The name parts
    and `gender` let the texts greet the person as each language does ("Dear Ms Roth",
    "Szanowna Pani", "Уважаемый Иван Петрович"); `salutation` overrides them all.
    """

    name: HeaderLine | None = Field(
        default=None,
        description=f"Full name, as on an envelope and in the To header: at most {MAX_NAME} "
        "characters, without an RFC 2047 encoded word",
    )
    role: ContactRole = Field(
        default="billing",
        description="What they do for the client: billing (the default addressee), accounts, "
        "manager (the account manager), owner or other",
    )
    gender: Literal["female", "male"] | None = Field(
        default=None,
        description="Picks the greeting's form (Ms/Mr, Pani/Pan, Frau/Herr, Уважаемая/"
        "Уважаемый, κυρία/κύριε); none: a greeting that needs none",
    )
    salutation: HeaderLine | None = Field(
        default=None,
        description="The greeting to use as written, without its final punctuation, e.g. "
        "'Dear Dr Smith' or 'Szanowna Pani Profesor': wins over every built-in form",
    )
    given_name: HeaderLine | None = Field(
        default=None, description="First name: Russian greetings use it with the patronymic"
    )
    family_name: HeaderLine | None = Field(
        default=None,
        description="Surname, as greetings write it after Ms/Mr, Frau/Herr, κυρία/κύριε",
    )
    patronymic: HeaderLine | None = Field(
        default=None, description="Отчество, for 'Уважаемый Иван Петрович'"
    )
    locale: LocaleName | None = Field(
        default=None,
        description="The language messages addressed to them are written in; none: the client's",
    )
    preferred_channel: Channel | None = Field(
        default=None,
        description="Used first for messages addressed to them wherever the step's channels "
        "include it; none: the client's preferred_channel",
    )


def _subdivision_known(country: str, subdivision: str | None) -> None:
    known = holidays.list_supported_countries().get(country)
    if subdivision is not None and known is not None and subdivision not in known:
        raise InvalidCaseError(
            f"not a subdivision the holidays calendar knows for {country} "
            f"(one of: {', '.join(known[:12])}{', ...' if len(known) > 12 else ''})",
            field="subdivision",
            value=subdivision,
        )


def _contacts_form(value: Any) -> str:
    """Which form the contacts are in: a list of persons, or the object of one per channel."""
    return "<list>" if isinstance(value, list | tuple) else "<object>"


ClientContacts = Annotated[
    Annotated[Contacts, Tag("<object>")] | Annotated[tuple[ContactPerson, ...], Tag("<list>")],
    Discriminator(_contacts_form),
]
"""The contacts object, or the list of contact persons: an error names the form it is in."""


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
    contacts: ClientContacts = Field(
        default_factory=Contacts,
        description="Where the client can be reached: one address per channel (an object), "
        "or a list of contact persons with roles. The object is one billing contact with no "
        "name. A channel without an address is never used",
    )
    preferred_channel: Channel | None = Field(
        default=None,
        description="With a contacts object: the channel tried first when none of a step's "
        "channels works for the client. With a list of contacts: also each contact's "
        "preferred channel where they give none, used first wherever a step's channels allow",
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

    @property
    def people(self) -> tuple[ContactPerson, ...]:
        """The contacts as persons: the contacts object is one billing contact with no name.

        Built on each call (its addresses are validated already), so a `model_copy` with
        other contacts never sees the old ones.
        """
        if isinstance(self.contacts, Contacts):
            return (ContactPerson.trusted(**dict(self.contacts)),)
        return self.contacts

    def addressees(self, to: tuple[ContactRole, ...] | None = None) -> tuple[ContactPerson, ...]:
        """The contacts a message with these To roles goes to, in the client's order.

        No roles, or none of the client's contacts has one of them: the billing contact, else
        the first (a client with no contacts at all: none).
        """
        people = self.people
        chosen = tuple(p for p in people if to and p.role in to)
        if chosen:
            return chosen
        billing = next((p for p in people if p.role == "billing"), None)
        return (billing,) if billing is not None else people[:1]

    def address_for(
        self, channel: Channel, to: tuple[ContactRole, ...] | None = None
    ) -> str | None:
        """Where `channel` reaches the addressees of `to`: the first of them with an address."""
        return next(
            (address for p in self.addressees(to) if (address := p.address_for(channel))), None
        )

    def copied(
        self, cc: tuple[ContactRole, ...], to: tuple[ContactRole, ...] | None = None
    ) -> tuple[ContactPerson, ...]:
        """The contacts with a `cc` role who are not among the addressees of `to`."""
        addressed = self.addressees(to)
        return tuple(p for p in self.people if p.role in cc and p not in addressed)

    def preferred_for(self, person: ContactPerson) -> Channel | None:
        """The channel tried first for `person`: theirs, else (contacts as a list) the client's.

        With the contacts object the client's `preferred_channel` keeps its first meaning:
        a fallback when none of a step's channels works, not a channel tried first.
        """
        if isinstance(self.contacts, Contacts):
            return None
        return person.preferred_channel or self.preferred_channel


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
    city: Line | None = Field(
        default=None,
        description="The place printed before the date on letters (Warszawa, 10 marca 2026 "
        "r.), usually the town of `address`; none: the date alone",
    )
    voice: Literal["I", "we"] | None = Field(
        default=None,
        description="Whether the texts speak as 'I' (a sole trader) or 'we' (a firm), in every "
        "message; none: each text keeps its own",
    )
    signatory_gender: Literal["female", "male"] | None = Field(
        default=None,
        description="The signatory's gender, for the languages whose verbs agree with the "
        "speaker (Polish 'wysłałam/wysłałem', Russian 'отправила/отправил'); none: forms that "
        "avoid it",
    )
