"""The typed GUI context and the extension actions that receive it."""

from __future__ import annotations

import inspect
import typing
from types import SimpleNamespace

import pytest

from piaodesk.ui import context as context_mod
from piaodesk.ui import extensions
from piaodesk.ui.extensions import affidabilita

pytestmark = pytest.mark.ui


def test_appcontext_is_the_context():
    assert context_mod.AppContext is context_mod.Context


def test_every_extension_action_is_annotated_with_the_context():
    actions, views = extensions.discover()
    assert actions and views
    for spec in actions:
        hints = typing.get_type_hints(spec.callback, localns={"Context": context_mod.Context})
        assert hints["ctx"] is context_mod.Context, spec.text
    for spec in views:
        params = inspect.signature(spec.factory).parameters
        hints = typing.get_type_hints(spec.factory, localns={"Context": context_mod.Context})
        assert hints[next(iter(params))] is context_mod.Context, spec.title


def test_copy_now_refuses_a_plan_without_a_file(monkeypatch, qtbot):
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(affidabilita.QMessageBox, "information",
                        lambda _parent, title, text: shown.append((title, text)))
    monkeypatch.setattr(affidabilita.QMessageBox, "critical",
                        lambda _parent, title, text: shown.append((title, text)))

    def no_backup(*_a, **_k):
        raise AssertionError("no copy of a plan that has no file")

    monkeypatch.setattr(affidabilita.backups, "make_backup", no_backup)
    ctx = SimpleNamespace(archive=SimpleNamespace(path=None))
    affidabilita._copia_ora(None, ctx)
    assert shown == [("Copia di sicurezza",
                      "Il piano non è ancora salvato in un file: non c'è nulla da copiare.")]
