"""SQLAlchemy models and queries. Every module here is imported by `Store` so its tables exist."""

from mockfinra.store.base import Base, Store

__all__ = ["Base", "Store"]
