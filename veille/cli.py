"""The ``veille`` command: a thin click group over the library.

Each command's module is imported when that command runs (or for the help),
and heavy libraries (scikit-learn, FastAPI…) inside the commands that need
them: ``veille --help`` stays fast, and a collection pass, often run by a
timer, does not pay for the other commands' imports (rich, among others).
Errors meant for users (``VeilleError``, ``DbError``, an unreachable
database) become one line on standard error and exit code 1, never a
traceback.
"""

import gc
import importlib
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from veille import __version__
from veille.commands._context import AppContext, UserError
from veille.errors import VeilleError

# Command name → "module:attribute" of its click command.
COMMANDS = {
    "classify": "veille.commands.classify:classify",
    "collect": "veille.commands.collect:collect",
    "config": "veille.commands.config:config",
    "db": "veille.commands.database:database",
    "deadlines": "veille.commands.deadlines:deadlines",
    "demo": "veille.commands.serve:demo",
    "export": "veille.commands.transfer:export",
    "import": "veille.commands.transfer:import_",
    "newsletter": "veille.commands.newsletter:newsletter",
    "serve": "veille.commands.serve:serve",
    "sources": "veille.commands.sources:sources",
    "stats": "veille.commands.stats:stats",
    "subscribers": "veille.commands.subscribers:subscribers",
    "users": "veille.commands.users:users",
    "web": "veille.commands.serve:web",
    "worker": "veille.commands.worker:worker",
}


class VeilleGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, attribute = target.split(":")
        with _garbage_collector_paused():
            command: click.Command = getattr(importlib.import_module(module), attribute)
        return command

    def invoke(self, ctx: click.Context) -> Any:
        from db.errors import DbError

        try:
            return super().invoke(ctx)
        except (VeilleError, DbError) as error:
            raise UserError(str(error)) from error
        except Exception as error:
            if _is_database_unreachable(error):
                raise UserError(f"base de données injoignable : {error.args[0]}") from error
            raise


@contextmanager
def _garbage_collector_paused() -> Iterator[None]:
    """Import a command's libraries without the garbage collector.

    Imports create hundreds of thousands of objects and no garbage, yet each
    few hundred allocations start a collection that walks the young objects,
    and the rarer full ones walk them all: a fifth of the start-up time of
    ``veille collect``. The imported objects are then frozen, so that the
    collections of the command's own work leave them out too.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


def _is_database_unreachable(error: Exception) -> bool:
    exc = sys.modules.get("sqlalchemy.exc")
    return exc is not None and isinstance(error, exc.OperationalError)


@click.group(cls=VeilleGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="veille")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Veille IA : collecte, classe et diffuse l'actualité de l'IA pour une collectivité."""
    app = AppContext.from_environment()
    ctx.obj = app
    ctx.call_on_close(app.close)


def run() -> None:
    """The ``veille`` program: ``main``, then an exit without a last walk of the heap.

    At exit, the interpreter's final garbage collection walks every object
    still alive (SQLAlchemy's and the other libraries' included: a tenth of
    a second, as long as a whole pass where every feed answers 304) to free
    memory the system takes back anyway. Frozen objects are left out of it;
    files, connections and atexit handlers are closed as usual.
    """
    try:
        main(prog_name="veille")
    finally:
        gc.freeze()
