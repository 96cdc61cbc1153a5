# DevOps Learn: one image for the app servers, the grading workers and the migration job.
# Where each pin comes from and how to refresh it: docs/deploy.md.

# Build stage: a virtualenv of wheels (uv reads pyproject.toml) and the collected static files.
FROM python:3.13-slim-bookworm@sha256:21e39cf1815802d4c6f89a0d3a166cc67ce58f95b6d1639e68a394c99310d2e5 AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    UV_PYTHON_DOWNLOADS=never \
    UV_COMPILE_BYTECODE=1
WORKDIR /app
RUN pip install --no-cache-dir uv==0.13.9 \
    && python -m venv /venv
COPY pyproject.toml README.md ./
RUN uv pip install --no-cache --python /venv/bin/python -r pyproject.toml
COPY . .
RUN rm -rf .venv var staticfiles .secret_key tests bench .ci .github deploy \
    && SECRET_KEY=collectstatic-only /venv/bin/python manage.py collectstatic --noinput --verbosity 0

# Runtime stage: the interpreter, the virtualenv and the application, as an unprivileged user.
FROM python:3.13-slim-bookworm@sha256:21e39cf1815802d4c6f89a0d3a166cc67ce58f95b6d1639e68a394c99310d2e5
ENV PATH=/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    WEB_CONCURRENCY=2 \
    GUNICORN_THREADS=4
WORKDIR /app
COPY --from=build /venv /venv
COPY --from=build --chown=10001:10001 /app /app
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"]
# The app server; the grading worker runs "python manage.py rqworker labs --job-class django_tasks_rq.Job"
# and the migration job "python manage.py migrate --noinput" (compose.yaml, deploy/k8s/).
CMD ["gunicorn", "--config", "gunicorn.conf.py", "--bind", "0.0.0.0:8000"]
