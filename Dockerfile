# One image for the web, worker, beat and sandbox services of docker-compose.yml.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

WORKDIR /app
COPY requirements.txt .
# Exactly the lock: every package pinned and checked against its hash, nothing resolved at build.
RUN pip install --require-hashes --no-deps -r requirements.txt

COPY . .
RUN useradd --create-home --uid 10001 panel \
    && mkdir -p /app/var/sandbox /app/var/media \
    && SECRET_KEY=build-only-key-not-used-at-run-time-000000 \
       PANEL_ENCRYPTION_KEYS=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= \
       python manage.py collectstatic --noinput -v 0 \
    && chown -R panel:panel /app/var
USER panel

EXPOSE 8000
# The same serving options as docker-compose.yml's web command (docs/deploy.md says why).
CMD ["gunicorn", "plcloud_panel.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--worker-class", "gthread", "--threads", "8", "--timeout", "60", "--graceful-timeout", "75"]
