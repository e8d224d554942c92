from __future__ import annotations

import time

from app.kit.ids import uuid7


def test_uuid7_is_version_7_time_ordered_and_random() -> None:
    first = uuid7()
    start = time.time_ns() // 1_000_000
    while time.time_ns() // 1_000_000 <= start + 1:  # into a later millisecond
        pass
    later = [uuid7() for _ in range(1000)]
    assert first.version == 7 and first.variant == "specified in RFC 4122"
    assert all(first < u for u in later)  # a later millisecond sorts after
    assert len(set(later)) == 1000
    millis = first.int >> 80
    assert abs(millis - time.time_ns() // 1_000_000) < 5_000


async def test_complaint_ids_are_uuid7(file_complaint) -> None:  # type: ignore[no-untyped-def]
    import uuid

    filed = await file_complaint()
    assert uuid.UUID(filed["id"]).version == 7
