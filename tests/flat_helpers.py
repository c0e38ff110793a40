"""A small flat projection over a fake reader, for the tests of the flat base and adapter."""

from dataclasses import dataclass
from decimal import Decimal

from piaodesk.viste.tabella import Col, Projection, Refused, ro


@dataclass(frozen=True)
class Riga:
    key: int
    nome: str
    peso: Decimal | None


class Fake:
    """A reader: a dict of (nome, peso) by id."""

    def __init__(self, n=10):
        self.items = {i: (f"voce {i:03d}", Decimal(i % 7)) for i in range(1, n + 1)}


class Voci(Projection[Riga]):
    COLUMNS = (ro("nome", "Nome"), Col("peso", "Peso", "decimal"))

    def expected_rows(self):
        return len(self.reader.items)

    def read(self):
        self.cache = dict(self.reader.items)
        yield 100

    def all_keys(self):
        return list(self.cache)

    def make(self, key):
        item = self.cache.get(key)
        return Riga(key, *item) if item else None

    def touched(self, ch):
        keys = set()
        for t in ("inserted", "deleted"):
            keys |= getattr(ch, t).get("voci", set())
        keys |= set(ch.updated.get("voci", {}))
        for k in keys:
            if k in self.reader.items:
                self.cache[k] = self.reader.items[k]
            else:
                self.cache.pop(k, None)
        return keys

    def order_key(self, row):
        return row.nome

    def edit(self, row, key, value):
        if value > 100:
            raise Refused("Il peso non può superare 100.")
        return ("set", row.key, key, value)
