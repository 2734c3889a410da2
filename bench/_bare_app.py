"""The baseline for bench/cold_start.py: a bare FastAPI app with the one route the benchmark polls."""

from fastapi import FastAPI

app = FastAPI()


@app.get("/_mock/ready")
def ready() -> dict[str, bool]:
    return {"ready": True}
