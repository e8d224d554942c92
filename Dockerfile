# ombuds API image: dependencies from the hashed lock, non-root, migrations applied at start.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /srv/ombuds

COPY requirements.lock ./
RUN pip install --require-hashes -r requirements.lock

COPY pyproject.toml alembic.ini README.md ./
COPY app ./app
COPY migrations ./migrations
# The pages' translations, compiled from their catalogs (app/locale/*/LC_MESSAGES/messages.po).
RUN pybabel -q compile -d app/locale -D messages
RUN pip install --no-deps --no-build-isolation -e . \
    && useradd --system --uid 10001 --home-dir /srv/ombuds --shell /usr/sbin/nologin ombuds \
    && mkdir -p var && chown ombuds:ombuds var

USER ombuds

# Set DATABASE_URL, OMBUDS_JWT_SECRET, OMBUDS_RECEIPT_KEY, OMBUDS_AUDIT_KEY and OMBUDS_IDENTITY_KEYS
# (or their *_FILE) when running the image, OMBUDS_TRUSTED_PROXIES (the reverse proxy's address, or
# `none`), and mount a volume on /srv/ombuds/var for attachments; the service refuses to start in
# production with missing or weak secrets or an undeclared proxy set-up.
ENV HOST=0.0.0.0 \
    PORT=8000 \
    OMBUDS_ENVIRONMENT=production

EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), timeout=2)"]

CMD ["ombuds", "serve", "--migrate"]
