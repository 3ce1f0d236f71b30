# One image for web (gunicorn), worker and beat (Celery); docker-compose.yml says which runs.
FROM python:3.11-slim

# PYTHONPATH: the code runs from /app, where templates, static and locale sit beside it,
# not from the copy `pip install .` leaves in site-packages.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    MEDIA_ROOT=/app/media

# WeasyPrint renders the notices' PDFs with pango and needs a CJK font; gettext compiles
# the English catalog.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        fontconfig fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 gettext \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

COPY . .
RUN pip install . \
    && SECRET_KEY=build-only python manage.py collectstatic --noinput \
    && if ls locale/*/LC_MESSAGES/*.po >/dev/null 2>&1; then \
         SECRET_KEY=build-only python manage.py compilemessages; fi

RUN useradd --system --uid 1000 --home-dir /app --shell /usr/sbin/nologin dandang \
    && mkdir -p /app/media \
    && chown -R dandang:dandang /app/media
USER dandang

EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60", "--access-logfile", "-"]
