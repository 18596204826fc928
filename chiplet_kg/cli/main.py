"""Entry point: the command group, error handling and exit codes."""

from __future__ import annotations

import sys

import click

from .. import __version__
from ..errors import EXIT_CODES, ChipletKGError

INTERNAL_ERROR = 70


#: command name → "module:function" under chiplet_kg.cli; modules are imported only when their command runs.
COMMANDS = {
    "build": "build_cmd:build",
    "import": "import_cmd:import_group",
    "validate": "validate_cmd:validate",
    "analyze": "analyze_cmd:analyze",
    "viz": "viz_cmd:viz",
    "queries": "query_cmd:queries",
    "query": "query_cmd:query",
    "sparql": "query_cmd:sparql",
    "export": "export_cmd:export",
    "serve": "serve_cmd:serve",
    "push": "push_cmd:push",
}


class _Group(click.Group):
    """Lazy commands from COMMANDS; every error becomes one readable line on stderr and a documented exit code."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str):
        target = COMMANDS.get(name)
        if target is None:
            return None
        module, _, attr = target.partition(":")
        from importlib import import_module

        return getattr(import_module(f"{__package__}.{module}"), attr)

    def invoke(self, ctx: click.Context):
        import logging

        # rdflib logs a traceback for every ill-typed literal it meets ("abc"^^xsd:integer); the value stays as
        # written and validation reports it, so a command line shows no traceback for it.
        logging.getLogger("rdflib.term").setLevel(logging.CRITICAL)
        try:
            return super().invoke(ctx)
        except ChipletKGError as err:
            click.echo(f"error: {err.message}", err=True)
            ctx.exit(err.exit_code)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            ctx.exit(130)
        except Exception as err:  # noqa: BLE001 - the promise is: no traceback, ever
            click.echo(f"internal error: {type(err).__name__}: {err}\n"
                       "This is a bug in chiplet-kg; please report it with the command you ran.", err=True)
            ctx.exit(INTERNAL_ERROR)


EPILOG = "Exit codes: " + "; ".join(f"{k} {v}" for k, v in EXIT_CODES.items()) + f"; {INTERNAL_ERROR} internal error."


@click.group(cls=_Group, epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="chiplet-kg")
def cli() -> None:
    """chiplet-kg: a knowledge graph of the chiplet industry and China's semiconductor supply chain.

    It links policies to the supply-chain dependencies they address, and shows which dependencies
    nothing addresses yet. Every command that reads the graph reasons over it (HermiT, cached) unless
    --no-reason, as the Python API does (ChipletKG()).

    Example:

        chiplet-kg query unaddressed-dependencies --lang zh
    """


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point."""
    cli.main(args=argv, prog_name="chiplet-kg")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
