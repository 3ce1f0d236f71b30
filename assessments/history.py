"""Registrations of assessments with core's history registry (and cadres.demo for demo)."""

# annual-excel ----------------------------------------------------------------------------
from django.db import models as _models  # noqa: E402
from django.utils.translation import gettext_lazy as _lazy  # noqa: E402

from core import history as _history  # noqa: E402

from .models import AnnualImport  # noqa: E402


class AnnualImportAction(_models.TextChoices):
    IMPORT = "import", _lazy("导入年度考核结果")


_history.register(AnnualImport, actions=AnnualImportAction)
