"""Celery application. Without REDIS_URL the settings make every task run eagerly in-process.

Every setting comes from config/settings/base.py (the CELERY_ names), each with its reason:
late acks, requeue on a lost worker, prefetch 1, time limits, the visibility timeout, and
the beat schedule (CELERY_BEAT_SCHEDULE: the job sweeper), which django-celery-beat's
DatabaseScheduler copies into its tables when beat starts."""

import os

from celery import Celery
from celery.signals import after_setup_logger, after_setup_task_logger

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("dandang")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@after_setup_logger.connect
@after_setup_task_logger.connect
def _redact_id_numbers(logger, **kwargs):
    """A worker hijacks the root logger and installs its own handlers, without the filter that
    settings.LOGGING puts on ours: put it back, so no worker log line carries an ID number."""
    from core.redaction import RedactIdNumbers

    for handler in logger.handlers:
        if not any(isinstance(f, RedactIdNumbers) for f in handler.filters):
            handler.addFilter(RedactIdNumbers())
