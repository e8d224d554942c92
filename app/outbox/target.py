"""Where the worker may send events: never to the service's own network by accident (SSRF).

The URL is checked when the settings load (https outside development, no special-purpose
address, `app.kit.outbound`); every address its host resolves to is checked again when the
worker connects, and the connection goes to the address checked (`PinnedTransport`), so a DNS
answer that changes to an internal address is refused too.
"""

from __future__ import annotations

from app.kit.outbound import Outbound, TargetRefused

__all__ = ["TargetRefused", "check_url", "rule"]


def rule(*, allow_private: bool, development: bool) -> Outbound:
    """https outside development; special-purpose addresses (and plain http, in development)
    only when the operator allows private targets."""
    return Outbound("monitoring", https_only=not development, allow_private=allow_private)


def check_url(url: str, *, allow_private: bool, development: bool) -> None:
    """What can be judged when the settings load; raises TargetRefused."""
    rule(allow_private=allow_private, development=development).check_url(url)
