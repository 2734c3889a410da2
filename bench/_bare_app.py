"""The baseline for bench/cold_start.py and bench/speed.py: a bare FastAPI app with a hello route, the route
the cold-start benchmark polls, and Starlette's StaticFiles over `BENCH_STATIC_DIR` (the same bytes the
download host serves)."""

import os
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

app = FastAPI()


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/_mock/ready")
def ready() -> dict[str, bool]:
    return {"ready": True}


if os.environ.get("BENCH_STATIC_DIR"):
    app.mount("/static-files", StaticFiles(directory=Path(os.environ["BENCH_STATIC_DIR"])), name="static-files")
