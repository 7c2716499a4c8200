"""What every command shares: the settings and a lazily built database."""

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import click

from veille.settings import Settings, load_settings

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

    from veille.catalogue import SourceSpec


class UserError(click.ClickException):
    """A failure explained in one French line, exit code 1."""

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"Erreur : {self.format_message()}", err=True, file=file)


@dataclass
class AppContext:
    """Built once per invocation by the root group and passed to commands."""

    settings: Settings
    _engine: "Engine | None" = field(default=None, repr=False)

    @classmethod
    def from_environment(cls) -> "AppContext":
        return cls(load_settings(os.environ))

    def sources_path(self, given: Path | None) -> Path:
        return given if given is not None else Path(self.settings.sources)

    def catalogue(self, given: Path | None) -> tuple[Path, list["SourceSpec"]]:
        """The catalogue's path and its sources (label ids in ``hints`` checked)."""
        from veille.catalogue import load_catalogue
        from veille.labels import known_label_ids

        path = self.sources_path(given)
        return path, load_catalogue(path, known_label_ids())

    def engine(self) -> "Engine":
        """The engine, with the schema created or upgraded on first use."""
        if self._engine is None:
            from db.engine import make_engine
            from db.migrate import ensure_schema

            engine = make_engine(self.settings.database_url)
            ensure_schema(engine)
            self._engine = engine
        return self._engine

    def session_factory(self) -> "sessionmaker[Session]":
        from db.engine import make_session_factory

        return make_session_factory(self.engine())

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()


pass_app = click.make_pass_decorator(AppContext)


def sources_option(function: Any) -> Any:
    """The ``--sources PATH`` option shared by every command reading the catalogue."""
    return click.option(
        "--sources",
        "sources_path",
        type=click.Path(path_type=Path, dir_okay=False),
        default=None,
        help="Catalogue des sources (défaut : VEILLE_SOURCES, sinon ./sources.toml).",
    )(function)
