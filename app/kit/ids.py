"""Time-ordered UUIDs (version 7, RFC 9562).

Random (v4) keys scatter every insert across the primary-key index and every index that leads
with the complaint id (timeline, contacts, characteristics): each touches a cold page, and after a
checkpoint each such page is written to the WAL whole. v7 keys grow with time, so inserts land on
the same few hot pages. The 74 random bits keep them unguessable.
"""

from __future__ import annotations

import os
import time
import uuid


def uuid7() -> uuid.UUID:
    millis = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")  # 80 bits, 74 used
    value = (millis & 0xFFFF_FFFF_FFFF) << 80
    value |= 0x7 << 76  # version
    value |= ((rand >> 62) & 0xFFF) << 64  # rand_a, 12 bits
    value |= 0b10 << 62  # variant
    value |= rand & 0x3FFF_FFFF_FFFF_FFFF  # rand_b, 62 bits
    return uuid.UUID(int=value)
