"""Errors with a one-line message for people and a documented exit code for scripts."""

from __future__ import annotations

import re

__all__ = ["ChipletKGError", "InputError", "OutputError", "ValidationFailed", "UsageError", "QueryTimeout",
           "QueryMemoryError", "RemoteError", "EXIT_CODES", "printable"]

#: Exit codes of the ``chiplet-kg`` command (also listed in the README).
EXIT_CODES = {
    0: "success",
    1: "validation failed: the graph does not conform to the shapes or is OWL-inconsistent",
    2: "usage error: unknown command, option, query or entity",
    3: "input error: a file is missing, unreadable or malformed",
    4: "output error: an output could not be written",
    5: "a query ran past its --timeout and was stopped",
    6: "remote error: a SPARQL endpoint could not be reached or answered with an error",
    7: "a query went past its memory limit (--memory) and was stopped",
}


#: Characters a message must not carry to a terminal: C0 controls but newline and tab (escape sequences, carriage
#: returns that overwrite a line), DEL and C1 controls, and the bidirectional overrides and isolates that reorder
#: what is shown ("Trojan Source"). File names, queries and values from users end up in messages.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    r"""``text`` with every character that could steer a terminal written as an escape (``\x1b``, ``\u202e``).

    Examples
    --------
    >>> printable("mine\x1b[2J.ttl: line 1")
    'mine\\x1b[2J.ttl: line 1'
    >>> printable("a\u202eb\nnext line")
    'a\\u202eb\nnext line'
    """
    return _UNSAFE.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                       else f"\\u{ord(m.group()):04x}", text)


class ChipletKGError(Exception):
    """Base class: ``str(err)`` is a complete, readable message; ``exit_code`` is for the CLI.

    The message is made :func:`printable`: text it quotes from the user's input cannot control the terminal.
    """

    exit_code = 3

    def __init__(self, message: str):
        message = printable(str(message))
        super().__init__(message)
        self.message = message


class InputError(ChipletKGError):
    """A file the user gave (or a shipped file) is missing, unreadable or malformed."""

    exit_code = 3


class UsageError(ChipletKGError):
    """An unknown name or a wrong combination of arguments."""

    exit_code = 2


class OutputError(ChipletKGError):
    """An output file or folder could not be written."""

    exit_code = 4


class ValidationFailed(ChipletKGError):
    """The graph did not validate; ``report`` holds the full report."""

    exit_code = 1

    def __init__(self, message: str, report=None):
        super().__init__(message)
        self.report = report


class QueryTimeout(ChipletKGError):
    """A query ran past its time limit and was stopped."""

    exit_code = 5


class QueryMemoryError(ChipletKGError):
    """A query went past its memory limit and was stopped."""

    exit_code = 7


class RemoteError(ChipletKGError):
    """A remote SPARQL endpoint or triple store could not be reached, or answered with an error."""

    exit_code = 6
