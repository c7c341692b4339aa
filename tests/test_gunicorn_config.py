"""gunicorn.conf.py as gunicorn reads it: its workers freeze the loaded application's heap (ist/heap.py)."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

from gunicorn.config import Config

from ist.heap import settle

CONF = Path(__file__).resolve().parents[1] / "gunicorn.conf.py"


def _config() -> Config:
    namespace: dict[str, object] = {"__file__": str(CONF), "__name__": "__config__"}
    exec(compile(CONF.read_text(), str(CONF), "exec"), namespace)  # noqa: S102 - our own file, as gunicorn loads it
    cfg = Config()
    for name, value in namespace.items():
        if name in cfg.settings:
            cfg.set(name, value)
    return cfg


def test_the_workers_are_threaded_processes_as_decision_0023_says() -> None:
    cfg = _config()
    assert cfg.worker_class_str == "gthread"
    assert cfg.workers >= 1
    assert cfg.threads >= 1


def test_a_worker_freezes_its_heap_once_the_application_is_loaded() -> None:
    cfg = _config()
    gc.unfreeze()
    try:
        assert gc.get_freeze_count() == 0
        cfg.post_worker_init(object())
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_settle_collects_garbage_before_freezing_so_no_cycle_is_kept_for_good() -> None:
    class Node:
        other: object = None

    gc.unfreeze()
    gc.disable()  # no automatic collection between the cycle and settle()
    try:
        a, b = Node(), Node()
        a.other, b.other = b, a  # a cycle only the collector frees
        gone = weakref.ref(a)
        del a, b
        assert gone() is not None  # not freed by reference counting
        settle()
        assert gone() is None  # collected, not frozen with the living objects
    finally:
        gc.unfreeze()
        gc.enable()
