"""The domain's error types. Services raise these (and Django's ValidationError and
PermissionDenied); the API exception handler and the HTML views map them to answers."""

from django.utils.translation import gettext as _


class Conflict(Exception):
    """An action the object's current state does not allow (HTTP 409)."""

    def __init__(self, message: str | None = None, *, state: str = "", action: str = ""):
        self.state = state
        self.action = action
        self.message = message or _("当前状态（%(state)s）不允许执行“%(action)s”。") % {
            "state": state,
            "action": action,
        }
        super().__init__(self.message)


class PayloadTooLarge(Exception):
    """An upload over the configured size (HTTP 413)."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)
