"""What every app's forms share."""

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator


def add_service_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: a field's messages inline on that
    field when the form has it, everything else at the top of the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, messages in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)


class _UsernameLengthMixin:
    """Django's login forms set the username's max_length after the field is built, so no
    validator holds it: an over-long name reached authenticate(), and django-axes's record
    of the failure (a 255-character column) was a 500 on PostgreSQL."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))


class LoginForm(_UsernameLengthMixin, AuthenticationForm):
    pass


class AdminLoginForm(_UsernameLengthMixin, AdminAuthenticationForm):
    pass
