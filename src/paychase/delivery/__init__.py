"""Delivery: channels that send a rendered message, and the runner that sends each action once.

SMTP e-mail (`SmtpChannel`), a file outbox, the console, or a host's own `DeliveryChannel`;
the `Runner` plans, renders, sends and records each action key exactly once, reading the
latest facts (a `CaseSource`: a workspace, a `CaseFile`) again before each send.
"""

from paychase.delivery._channel import CheckableChannel, ConsoleChannel, DeliveryChannel
from paychase.delivery._ical import calls_calendar
from paychase.delivery._outbox import FileOutbox
from paychase.delivery._runner import Outcome, OutcomeStatus, Runner, RunReport, RunStoppedError
from paychase.delivery._smtp import SmtpChannel
from paychase.delivery._sources import CaseFile, CaseSource
from paychase.messages._message import DeliveryStatus, Receipt

__all__ = [
    "CaseFile",
    "CaseSource",
    "CheckableChannel",
    "ConsoleChannel",
    "DeliveryChannel",
    "DeliveryStatus",
    "FileOutbox",
    "Outcome",
    "OutcomeStatus",
    "Receipt",
    "RunReport",
    "RunStoppedError",
    "Runner",
    "SmtpChannel",
    "calls_calendar",
]
