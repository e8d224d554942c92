"""The retaliation room's codes."""

from __future__ import annotations

from typing import Literal

# What a reporter facing retaliation may ask for (Directive 2019/1937 art. 20).
Measure = Literal["relocation_support", "legal_aid", "psychosocial_support"]
