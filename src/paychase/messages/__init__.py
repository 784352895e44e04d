"""Messages: planned actions rendered as e-mails, SMS, call scripts and letters.

Templates are jinja2 in a sandbox with babel formatting, in the client's language; a host's
templates override the built-in ones by name (`TemplateDirectory`), and `check_templates` says
which ones are missing, failing or state a term the policy should.
"""

from paychase.messages._check import TemplateProblem, check_templates
from paychase.messages._documents import InvoiceFolder
from paychase.messages._message import Attachment, Message, Recipient, message_id
from paychase.messages._render import InvoiceDocuments, Renderer, template_names
from paychase.messages._templates import (
    BUILTIN_LOCALES,
    BuiltinTemplates,
    TemplateDirectory,
    TemplateLoader,
    locale_chain,
)

__all__ = [
    "BUILTIN_LOCALES",
    "Attachment",
    "BuiltinTemplates",
    "InvoiceDocuments",
    "InvoiceFolder",
    "Message",
    "Recipient",
    "Renderer",
    "TemplateDirectory",
    "TemplateLoader",
    "TemplateProblem",
    "check_templates",
    "locale_chain",
    "message_id",
    "template_names",
]
