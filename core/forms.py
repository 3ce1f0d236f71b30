"""What every app's forms share: service errors onto a form, the autocomplete field (units
and cadres are chosen by search, never from a list), the date input and the scoped form."""

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe

from .scoping import unit_scope


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


class AutocompleteWidget(forms.Widget):
    """A search box plus a hidden id; static/js/app.js fetches the options from `url_name`."""

    template_name = "includes/autocomplete.html"

    def __init__(self, *, url_name: str, placeholder: str = "", attrs=None):
        super().__init__(attrs)
        self.url_name = url_name
        self.placeholder = placeholder
        self.queryset = None  # set by AutocompleteChoiceField; labels are looked up only within it

    def label_for(self, value) -> str:
        if value in (None, "") or self.queryset is None:
            return ""
        if isinstance(value, models.Model):
            return str(value)
        try:
            obj = self.queryset.filter(pk=value).first()
        except (ValueError, TypeError):
            return ""
        return str(obj) if obj else ""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"].update(
            url=reverse(self.url_name), label=self.label_for(value), placeholder=self.placeholder
        )
        return context

    def render(self, name, value, attrs=None, renderer=None):
        # The project's template engine, so the widget's template lives in templates/ like every other.
        return mark_safe(render_to_string(self.template_name, self.get_context(name, value, attrs)))


class AutocompleteChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField shown as an autocomplete; its queryset (the user's scope) bounds both
    the ids it accepts and the labels it shows."""

    def __init__(self, queryset, *, url_name: str, placeholder: str = "", **kwargs):
        kwargs.setdefault("widget", AutocompleteWidget(url_name=url_name, placeholder=placeholder))
        super().__init__(queryset, **kwargs)

    def _set_queryset(self, queryset):
        super()._set_queryset(queryset)
        self.widget.queryset = self._queryset

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class ScopedFormMixin:
    """Takes the user; the unit field accepts only units in their scope."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if "unit" in self.fields:
            self.fields["unit"].queryset = unit_scope(user)
