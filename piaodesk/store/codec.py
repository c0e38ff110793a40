"""Conversion between domain dataclasses and SQLite rows (by type annotation)."""

from __future__ import annotations

import dataclasses
import json
import typing
from datetime import date
from decimal import Decimal
from enum import Enum
from functools import cache
from types import UnionType
from typing import Any


@cache
def field_types(cls: type) -> dict[str, Any]:
    """Column name → base Python type (``Optional`` removed) of a domain class."""
    hints = typing.get_type_hints(cls)
    out: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        tp = hints[f.name]
        origin = typing.get_origin(tp)
        if origin in (typing.Union, UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            tp = args[0]
        out[f.name] = tp
    return out


def encode(value: Any) -> Any:
    """Python value → SQLite value."""
    if value is None:
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value


def decode(tp: Any, value: Any) -> Any:
    """SQLite value → Python value of type ``tp``."""
    if value is None:
        return None
    origin = _origin(tp)
    if origin is bool:
        return bool(value)
    if origin is Decimal:
        return Decimal(str(value))
    if origin is date:
        return date.fromisoformat(value)
    if origin in (list, dict):
        return json.loads(value) if isinstance(value, str) else value
    if isinstance(origin, type) and issubclass(origin, Enum):
        try:
            return origin(value)
        except ValueError:
            return value
    if origin is int:
        return int(value)
    return value


def to_row(obj: Any) -> dict[str, Any]:
    return {f.name: encode(getattr(obj, f.name)) for f in dataclasses.fields(obj)}


@cache
def _origin(tp: Any) -> Any:
    return typing.get_origin(tp) or tp


@cache
def _default_factories(cls: type) -> dict[str, Any]:
    return {f.name: f.default_factory for f in dataclasses.fields(cls)
            if f.default_factory is not dataclasses.MISSING}


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


# Decimals and dates are immutable: one object per distinct text is shared by every
# record read (a plan repeats its weights, percentages and deadlines thousands of times;
# 40.000 indicators hold a few hundred distinct values). Bounded: once full, new texts
# are simply converted without being kept.
_SHARED_MAX = 50_000
_DECIMALS: dict[str, Decimal] = {}
_DATES: dict[str, date] = {}


def _decimal(value: Any) -> Decimal:
    if isinstance(value, str):
        d = _DECIMALS.get(value)
        if d is None:
            d = Decimal(value)
            if len(_DECIMALS) < _SHARED_MAX:
                _DECIMALS[value] = d
        return d
    return Decimal(str(value))


def _date(value: str) -> date:
    d = _DATES.get(value)
    if d is None:
        d = date.fromisoformat(value)
        if len(_DATES) < _SHARED_MAX:
            _DATES[value] = d
    return d


def _enum_decoder(enum_cls: type[Enum]) -> Any:
    members = {m.value: m for m in enum_cls}

    def dec(value: Any) -> Any:
        return members.get(value, value)  # an unknown value stays as the raw text

    return dec


@cache
def _converter(tp: Any) -> Any:
    """A one-argument function turning a non-NULL SQLite value into ``tp`` (None: as is)."""
    origin = _origin(tp)
    if origin is bool:
        return bool
    if origin is Decimal:
        return _decimal
    if origin is date:
        return _date
    if origin in (list, dict):
        return _json
    if isinstance(origin, type) and issubclass(origin, Enum):
        return _enum_decoder(origin)
    if origin is int:
        return int
    return None


@cache
def _plan(cls: type, names: tuple[str, ...]) -> tuple[tuple[int, str, Any], ...]:
    """For a cursor's column names: (position, field, converter) of each known field."""
    types = field_types(cls)
    return tuple((i, n, _converter(types[n])) for i, n in enumerate(names) if n in types)


def rows_to_objects(cls: type, names: tuple[str, ...], rows: Any) -> list[Any]:
    """Decode many rows of one query at once (the hot path of every read)."""
    plan = _plan(cls, names)
    factories = tuple(_default_factories(cls).items())
    out: list[Any] = []
    append = out.append
    for r in rows:
        kwargs = {}
        for i, name, conv in plan:
            v = r[i]
            kwargs[name] = v if v is None or conv is None else conv(v)
        for name, factory in factories:
            if kwargs.get(name, 0) is None:
                kwargs[name] = factory()
        append(cls(**kwargs))
    return out


def from_row(cls: type, row: dict[str, Any]) -> Any:
    names = tuple(row)
    return rows_to_objects(cls, names, (tuple(row.values()),))[0]
