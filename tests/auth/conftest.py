"""The test OpenID provider's fixtures, for the tests of this directory."""

from tests.idp import idp, idp_settings

__all__ = ["idp", "idp_settings"]
