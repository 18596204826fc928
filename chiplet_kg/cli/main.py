"""Entry point: the command group, error handling and exit codes."""

from __future__ import annotations

import sys

import click

from .. import __version__
from ..errors import EXIT_CODES, ChipletKGError

INTERNAL_ERROR = 70


class _Group(click.Group):
    """Turns every error into one readable line on stderr and a documented exit code; never a traceback."""

    def invoke(self, ctx: click.Context):
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
    nothing addresses yet.
    """


def _register() -> None:
    from . import build_cmd, validate_cmd

    cli.add_command(build_cmd.build)
    cli.add_command(validate_cmd.validate)


_register()


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point."""
    cli.main(args=argv, prog_name="chiplet-kg")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
