"""Every write to fault-tolerance data. Views, the API, the admin, tasks and the shell all
call these, so a rule holds whichever door the change comes through."""

from .attachments import attachment_add, attachments_add, check_upload, detect_kind
from .cases import (
    case_create,
    case_deadlines_refresh,
    case_file,
    case_panel_set,
    case_transition,
    case_update,
)
from .files import atomic_with_files
from .followup import correction_create, correction_update

__all__ = [
    "atomic_with_files", "attachment_add", "attachments_add", "case_create", "case_deadlines_refresh", "case_file",
    "case_panel_set", "case_transition", "case_update", "check_upload", "correction_create", "correction_update",
    "detect_kind", 
]
