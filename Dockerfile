# The image behind docker-compose.yml's web, worker and beat services.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/data/media \
    VAR_DIR=/data/var

RUN pip install --no-cache-dir uv

WORKDIR /app
# Dependencies first, so a code change does not reinstall them.
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project

COPY . .
# DEBUG off uses the hashed (manifest) static storage, which needs collectstatic at build time.
RUN SECRET_KEY=collectstatic-only-not-a-secret DEBUG=false python manage.py collectstatic --noinput \
    && useradd --system --uid 1000 --home-dir /data provenance \
    && mkdir -p /data/media /data/var \
    && chown -R provenance /data

USER provenance
EXPOSE 8000
CMD ["gunicorn", "provenance.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60", "--access-logfile", "-"]
