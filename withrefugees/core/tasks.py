"""Task worker entry points of core (huey imports every app's ``tasks`` module): the
outbox's delivery, its sweeper every minute and at start-up (``core/outbox.py``)."""

from .outbox import outbox_deliver_task, outbox_sweep_task

__all__ = ["outbox_deliver_task", "outbox_sweep_task"]
