"""Where the command line finds the workspace and its defaults: flags, environment, paychase.toml.

The workspace file is, in this order: ``--db PATH``; ``PAYCHASE_DB``; ``db`` in the nearest
``paychase.toml`` — in the current directory, else in the user's config directory
(``platformdirs``: ``~/.config/paychase/paychase.toml`` on Linux). A relative path in a
``paychase.toml`` is relative to that file, so a cron job finds the same workspace from
anywhere.

A ``paychase.toml`` may also set any command's option defaults, by command name::

    db = "books.paychase"

    [run]
    channel = ["email=smtp://billing@mail.example.com:587"]
    templates = "templates"

A case file given on the command line is read as it is; the workspace named by ``--db`` or
``PAYCHASE_DB`` adds its history to it (what was sent), one named only by ``paychase.toml`` does
not, so ``paychase plan examples/portfolio.json`` means the same in every folder.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from platformdirs import user_config_dir

from paychase.errors import InvalidCaseError

__all__ = ["CONFIG_NAME", "ENV_DB", "Settings", "find_config", "read_settings"]

CONFIG_NAME: Final = "paychase.toml"
ENV_DB: Final = "PAYCHASE_DB"


@dataclass(frozen=True, slots=True)
class Settings:
    """What the command line was told outside its flags: the config file and the environment."""

    config: Path | None = None
    db_from_config: Path | None = None
    db_from_env: Path | None = None
    defaults: dict[str, Any] = field(default_factory=dict)

    def workspace_path(self, flag: str | None) -> Path | None:
        """The workspace to use: the flag's, else the environment's, else the config's."""
        if flag:
            return Path(flag)
        return self.db_from_env or self.db_from_config

    def explicit_db(self, flag: str | None) -> Path | None:
        """A workspace named on purpose (flag or environment): it adds its history to a file."""
        return Path(flag) if flag else self.db_from_env


def find_config(start: Path, user_dir: Path) -> Path | None:
    """The ``paychase.toml`` in `start`, else in `user_dir`; None when there is neither."""
    for folder in (start, user_dir):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
    return None


def read_settings(start: Path | None = None, user_dir: Path | None = None) -> Settings:
    """Read the environment and the nearest ``paychase.toml``.

    Raises:
        InvalidCaseError: the config file is not valid TOML, or its ``db`` is not a string.
    """
    env = os.environ.get(ENV_DB) or None
    config = find_config(start or Path.cwd(), user_dir or _user_config_dir())
    if config is None:
        return Settings(db_from_env=Path(env) if env else None)
    try:
        data = tomllib.loads(config.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise InvalidCaseError(f"cannot read it: {error}", field=str(config)) from None
    except RecursionError:  # tomllib reads nested arrays recursively
        raise InvalidCaseError("cannot read it: nested too deeply", field=str(config)) from None
    db = data.pop("db", None)
    if db is not None and not isinstance(db, str):
        raise InvalidCaseError("a path, as a string", field=f"{config}: db", value=db)
    return Settings(
        config=config,
        db_from_config=(config.parent / db) if db else None,
        db_from_env=Path(env) if env else None,
        defaults=_option_names(data),
    )


def _user_config_dir() -> Path:
    return Path(user_config_dir("paychase"))


def _option_names(table: dict[str, Any]) -> dict[str, Any]:
    """Command tables of the config as click's default map: ``dry-run`` names ``dry_run``."""
    return {
        name.replace("-", "_"): _option_names(value) if isinstance(value, dict) else value
        for name, value in table.items()
    }
