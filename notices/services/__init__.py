"""Notices' write paths: drafts, publishing (numbering, rendering, signing), verification."""

from .drafts import notice_create, notice_update
from .publish import notice_publish

__all__ = ["notice_create", "notice_publish", "notice_update"]
