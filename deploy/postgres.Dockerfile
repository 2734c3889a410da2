# PostgreSQL 15 from Debian's package, on the same Debian + python3 base as the mockfinra image (no registry
# needed). For the compose example only: data in /var/lib/postgresql/data (a volume), trust auth on loopback.
ARG BASE=python:3.11-slim
FROM ${BASE}
RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql \
 && rm -rf /var/lib/apt/lists/*
ENV PGDATA=/var/lib/postgresql/data PGPORT=5433 PATH=/usr/lib/postgresql/15/bin:$PATH
COPY postgres-entrypoint.sh /usr/local/bin/postgres-entrypoint.sh
# A new named volume takes the owner and mode of this directory: initdb runs as postgres and needs 0700.
RUN mkdir -p "$PGDATA" && chown postgres:postgres "$PGDATA" && chmod 700 "$PGDATA"
USER postgres
VOLUME /var/lib/postgresql/data
HEALTHCHECK --interval=2s --timeout=3s --retries=30 CMD ["pg_isready", "-h", "127.0.0.1", "-p", "5433"]
ENTRYPOINT ["sh", "/usr/local/bin/postgres-entrypoint.sh"]
