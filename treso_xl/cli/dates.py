"""Dates typed on the command line: jj/mm/aaaa or aaaa-mm-jj, refused in French otherwise."""

from __future__ import annotations

import datetime as dt

import click

from treso_xl.french import quote

FORMATS = ("%d/%m/%Y", "%Y-%m-%d")


def _parsed(value: str) -> dt.date | None:
    for fmt in FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


def _refusal(value: object) -> str:
    return f"{quote(value)} n'est pas une date (jj/mm/aaaa ou aaaa-mm-jj)."


def parse_date(value: str | None) -> dt.date | None:
    """The date typed for an option, None when the option is absent; BadParameter otherwise."""
    if value is None:
        return None
    parsed = _parsed(value)
    if parsed is None:
        raise click.BadParameter(_refusal(value))
    return parsed


class DateType(click.ParamType):
    """A date typed jj/mm/aaaa or aaaa-mm-jj."""

    name = "date"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> dt.date:
        if isinstance(value, dt.date):
            return value
        parsed = _parsed(str(value))
        if parsed is None:
            self.fail(_refusal(value), param, ctx)
        return parsed


DATE = DateType()
