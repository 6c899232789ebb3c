# Production image: gunicorn serving mlplatform.wsgi on $PORT (Cloud Run sets it; default 8080).
# The training worker runs the same image with: python manage.py worker
# (django-tasks-db's db_worker plus recovery of runs a crashed worker left behind)
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
CMD ["sh", "-c", "exec gunicorn mlplatform.wsgi --bind 0.0.0.0:${PORT} --workers ${WEB_CONCURRENCY} --threads ${GUNICORN_THREADS} --reuse-port --timeout 120 --no-control-socket --access-logfile -"]
