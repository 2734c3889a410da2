"""Captured outbound messages (email, SMS, voice, push) and the waits on them."""
