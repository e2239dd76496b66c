"""Exit codes of the command line and the one place that turns expected failures into them."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import click

from treso_xl.errors import DataError, FileError, describe

EXIT_OK, EXIT_DATA, EXIT_USAGE = 0, 1, 2


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    """Print a French message on standard error and leave with `code`."""
    click.echo(message, err=True)
    sys.exit(code)


@contextmanager
def expected_failures() -> Iterator[None]:
    """Data to correct exits 1, a file or usage problem exits 2, each with its French message."""
    try:
        yield
    except DataError as error:
        fail(describe(error), EXIT_DATA)
    except FileError as error:
        fail(describe(error), EXIT_USAGE)
