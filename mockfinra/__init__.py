"""mockfinra: a local, offline emulator of FINRA's NTF environment (NASDAQ MFA, TRAQS, reference-data API)."""

__version__ = "0.1.0"
