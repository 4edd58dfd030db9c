# dlint in a container. Build:  docker build -t dlint .
# Lint the current folder:       docker run --rm -v "$PWD:/src" dlint

# builder makes the wheels of dlint and its dependencies and installs them into a venv.
FROM python:3.12-slim AS builder
RUN python -m venv /opt/dlint
WORKDIR /build
COPY . .
RUN --mount=type=cache,target=/root/.cache/pip \
    python -m pip wheel --wheel-dir /wheels . \
    && /opt/dlint/bin/python -m pip install --no-index --find-links /wheels /wheels/dlint_docker-*.whl

# Only the environment is kept: no compilers, no sources, no wheels.
FROM python:3.12-slim
LABEL org.opencontainers.image.title="dlint" \
      org.opencontainers.image.description="A linter for Dockerfiles and Docker Compose files" \
      org.opencontainers.image.source="https://github.com/dlint-dev/dlint" \
      org.opencontainers.image.licenses="Apache-2.0"
COPY --from=builder /opt/dlint /opt/dlint
RUN useradd --uid 10001 --create-home dlint
USER 10001
# one run per container: a resident process (see the README) would only cost its start
ENV PATH=/opt/dlint/bin:$PATH \
    DLINT_RESIDENT=0
WORKDIR /src
HEALTHCHECK NONE
ENTRYPOINT ["dlint"]
CMD ["."]
