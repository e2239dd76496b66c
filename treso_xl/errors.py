"""The errors a user may meet, each carrying a French message; the front ends map them to exits."""

from __future__ import annotations


class TresoError(Exception):
    """Base of every expected failure; `str()` is the French message shown to the user."""


class DataError(TresoError):
    """The workbook's data must be corrected (exit code 1)."""


class FileError(TresoError):
    """The file cannot be read or written as asked (exit code 2)."""


def describe(error: BaseException) -> str:
    """The French text of an expected failure."""
    return str(error)
