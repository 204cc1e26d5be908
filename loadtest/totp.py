"""The six-digit code of a TOTP device, for the load test's people and its checks."""

import hashlib
import hmac
import struct
import time


def totp(key_hex: str, at: float | None = None) -> str:
    """RFC 6238 as django-otp computes it by default: HMAC-SHA1, 30-second steps from 0, six digits."""
    counter = int((at or time.time()) // 30)
    digest = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"
