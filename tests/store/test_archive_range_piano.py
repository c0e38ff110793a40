"""The plan's own range of row ids (store.archive) is the one the packets (store.pacchetti) start
after: the archive states it itself so that opening a plan does not import the packets' module."""

from __future__ import annotations

from piaodesk.store import archive, pacchetti


def test_the_plan_range_is_the_packets_first_boundary(demo):
    assert archive.RANGE_PIANO == pacchetti.RANGE
    assert demo.pacchetto is None and demo._id_range == (1, pacchetti.RANGE - 1)
