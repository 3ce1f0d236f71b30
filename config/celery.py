"""Celery application. Without REDIS_URL the settings make every task run eagerly in-process.

Every setting comes from config/settings/base.py (the CELERY_ names), each with its reason:
late acks, requeue on a lost worker, prefetch 1, time limits, the visibility timeout, and
the beat schedule (CELERY_BEAT_SCHEDULE: the job sweeper), which django-celery-beat's
DatabaseScheduler copies into its tables when beat starts."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("dandang")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
