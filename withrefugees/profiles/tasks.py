"""Task worker entry points of the profile app: the card image of a signatory, rendered
after a change of its profile (``cards.py``)."""

import logging

from django.db import transaction
from huey.contrib.djhuey import db_task

from . import cards

logger = logging.getLogger(__name__)


@db_task()
def card_render_task(local_government_id: int) -> None:
    """Render the current card of the local government ``local_government_id`` when it is a
    signatory and its card is not stored yet, then delete its older cards and posters."""
    cards.card_render(local_government_id)
    cards.stale_files_delete(local_government_id)


def card_render_queue(*, local_government_id: int) -> None:
    """Queue ``card_render_task`` once the caller's transaction commits (a rollback queues
    nothing). A queue that cannot be reached is logged, never raised: the card is then
    rendered by the first request that asks for it."""
    transaction.on_commit(lambda: card_render_task(local_government_id), robust=True)
