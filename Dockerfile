# Production image: gunicorn serving mlplatform.wsgi on $PORT (Cloud Run sets it; default 8080).
# The training worker runs the same image with: python manage.py worker
# (django-tasks-db's db_worker plus crash recovery, the periodic schedules and a health
# endpoint on $PORT; docs/cloud-run.md)
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PORT=8080 \
    WEB_CONCURRENCY=2 \
    GUNICORN_THREADS=4 \
    STATIC_MANIFEST=true

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
RUN python manage.py collectstatic --no-input -v0 \
    && useradd --system --uid 10001 --home /app app \
    && mkdir -p /app/var /app/artifacts \
    && chown -R app /app/var /app/artifacts

USER app
EXPOSE 8080
# mlplatform/gunicorn_conf.py: bind 0.0.0.0:$PORT, WEB_CONCURRENCY x GUNICORN_THREADS, an 8 s
# graceful timeout inside Cloud Run's 10 s, JSON logs, /metrics across workers.
CMD ["gunicorn", "-c", "mlplatform/gunicorn_conf.py", "mlplatform.wsgi"]
