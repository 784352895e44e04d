"""The conversation with a client: what they said and promised, plans they agreed, chases.

Replies, promises, disputes and their resolution are read into facts about each invoice;
instalment plans replace the ladder while they hold; chases follow clients who went silent.
"""

from paychase.conversation._instalments import (
    Instalment,
    Standing,
)
from paychase.conversation._instalments import (
    schedule as instalment_schedule,
)
from paychase.conversation._instalments import (
    standing as instalment_standing,
)

__all__ = ["Instalment", "Standing", "instalment_schedule", "instalment_standing"]
