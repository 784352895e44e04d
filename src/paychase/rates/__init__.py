"""Reference rates that stay current: read from their official publishers, stored, found.

`update_table` reads each regime's publisher (ECB, Deutsche Bundesbank, Narodowy Bank Polski,
Bank of England, Bank of Russia, US Treasury), derives the statutory rate by the regime's rule
and lays it over the table in use; `write_rate_file` stores it and `find_rate_table` finds it
again for every command and for ``plan(case, rates=find_rate_table())``. `rate_status` says what
a table covers. `nbp_rate` and `ecb_rate` read the exchange rate of the day a statute names.
"""

from __future__ import annotations

from paychase.rates._fx import ecb_rate, nbp_rate
from paychase.rates._http import Fetcher
from paychase.rates._rules import RULES, Rule
from paychase.rates._status import RegimeStatus, rate_status
from paychase.rates._store import (
    find_rate_table,
    overlay,
    rates_schema,
    read_rate_file,
    stored_rates_path,
    user_rates_path,
    write_rate_file,
)
from paychase.rates._update import REGIMES, Update, update_table

__all__ = [
    "REGIMES",
    "RULES",
    "Fetcher",
    "RegimeStatus",
    "Rule",
    "Update",
    "ecb_rate",
    "find_rate_table",
    "nbp_rate",
    "overlay",
    "rate_status",
    "rates_schema",
    "read_rate_file",
    "stored_rates_path",
    "update_table",
    "user_rates_path",
    "write_rate_file",
]
