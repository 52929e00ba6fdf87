"""Stand-in for the fused SDK in tests: see ../README.md."""
from . import api  # noqa: F401

__version__ = "0.0.0-standin"
