"""Files stored by a write that may still roll back.

Django runs callbacks when a transaction commits but has none for a rollback, so a stored
file would outlive the rows that named it. The services that store files (evidence,
correction material) run inside `atomic_with_files()` and store through `save_file`: when
the block rolls back, the files stored inside it are deleted again.

Call it outermost, or inside another `atomic_with_files()`: a nested block that succeeds
hands its files to the enclosing one, whose transaction may still roll back. A plain
`transaction.atomic()` around it cannot tell it about a later rollback."""

import logging
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction

logger = logging.getLogger(__name__)

# (storage, name) of the files stored inside the innermost open atomic_with_files block.
_stored: ContextVar[list | None] = ContextVar("fault_tolerance_stored_files", default=None)


@contextmanager
def atomic_with_files():
    """transaction.atomic() whose rollback also deletes the files stored inside it (save_file).
    Usable as a decorator: @atomic_with_files()."""
    enclosing = _stored.get()
    stored: list = []
    token = _stored.set(stored)
    try:
        with transaction.atomic():
            yield
    except BaseException:
        _delete(stored)
        raise
    finally:
        _stored.reset(token)
    if enclosing is not None:
        enclosing.extend(stored)


def save_file(field_file, name: str, content) -> None:
    """Store content through a model's FileField (the model itself is not saved), so that the
    enclosing atomic_with_files block deletes it again if it rolls back."""
    field_file.save(name, content, save=False)
    stored = _stored.get()
    if stored is not None:
        stored.append((field_file.storage, field_file.name))


def _delete(stored: list) -> None:
    for storage, name in stored:
        try:
            storage.delete(name)
        except OSError:  # the rollback's own error is the one to report
            logger.exception("Could not delete %s after a rollback", name)
