"""The ``veille`` command: a thin click group over the library.

Heavy libraries (scikit-learn, FastAPI…) are imported inside the commands
that need them, so ``veille --help`` stays fast. Errors meant for users
(``VeilleError``, ``DbError``, an unreachable database) become one line on
standard error and exit code 1, never a traceback.
"""

import sys
from typing import Any

import click

from veille import __version__
from veille.commands._context import AppContext, UserError
from veille.commands.classify import classify
from veille.commands.collect import collect
from veille.commands.config import config
from veille.commands.database import database
from veille.commands.deadlines import deadlines
from veille.commands.newsletter import newsletter
from veille.commands.serve import demo, serve, web
from veille.commands.sources import sources
from veille.commands.stats import stats
from veille.commands.subscribers import subscribers
from veille.commands.transfer import export, import_
from veille.commands.users import users
from veille.commands.worker import worker
from veille.errors import VeilleError


class VeilleGroup(click.Group):
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


for command in (config, database, deadlines, sources, stats, users):
    main.add_command(command)
main.add_command(classify)
main.add_command(collect)
main.add_command(newsletter)
main.add_command(subscribers)
main.add_command(serve)
main.add_command(web)
main.add_command(worker)
main.add_command(export)
main.add_command(import_)
main.add_command(demo)
