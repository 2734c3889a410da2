# mockfinra as a service container.
#
#   docker build -t mockfinra .                                  # base python:3.11-slim from a registry
#   docker build --build-arg BASE=localbase/debian-python:bookworm -t mockfinra .   # any Debian + python3 >= 3.11
#   docker run --rm -p 8400:8400 -v mockfinra-data:/data mockfinra
#   docker run --rm -p 8400:8400 mockfinra serve --db memory     # no state kept
#   docker run --rm -p 8400:8400 -e MOCKFINRA_DB=postgresql+psycopg://user:pass@db:5432/mockfinra mockfinra
#
# Every setting is an environment variable MOCKFINRA_<NAME>; state lives in /data (a volume).
ARG BASE=python:3.11-slim

FROM ${BASE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN python3 -m venv /opt/mockfinra
WORKDIR /src
COPY pyproject.toml README.md* ./
COPY mockfinra ./mockfinra
COPY data ./data
COPY templates ./templates
# A regular (non-editable) install: templates and data must come from the installed package. The
# `postgresql` extra (psycopg 3, binary wheel with its own libpq) lets the same image serve both stores.
# `-I`: the checks import the installed package, not ./mockfinra of this build directory.
RUN /opt/mockfinra/bin/pip install --quiet ".[postgresql]" \
 && /opt/mockfinra/bin/python -I -c "import psycopg; psycopg.pq.version()" \
 && /opt/mockfinra/bin/python -I -c "import mockfinra.settings as s; assert s.DATA_DIR.parent.name == 'mockfinra' and (s.DATA_DIR / 'seed.toml').is_file() and (s.TEMPLATES_DIR / 'static').is_dir(), 'package data missing'" \
 && /opt/mockfinra/bin/pip uninstall --quiet --yes pip setuptools

FROM ${BASE}
RUN useradd --uid 10001 --user-group --home-dir /data --no-create-home --shell /usr/sbin/nologin mockfinra \
 && mkdir -p /data && chown mockfinra:mockfinra /data
COPY --from=build /opt/mockfinra /opt/mockfinra
ENV PATH=/opt/mockfinra/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    MOCKFINRA_HOST=0.0.0.0 \
    MOCKFINRA_PORT=8400 \
    MOCKFINRA_DB=sqlite:////data/mockfinra.db
USER mockfinra
WORKDIR /data
VOLUME /data
EXPOSE 8400
# `mockfinra healthcheck` reads the same MOCKFINRA_HOST/PORT as the server (no curl in the image).
HEALTHCHECK --interval=10s --timeout=5s --start-period=15s --retries=3 CMD ["mockfinra", "healthcheck"]
ENTRYPOINT ["mockfinra"]
CMD ["serve"]
