"""Stand-in for the fused SDK in tests: see ../README.md."""
import os
import time

if os.environ.get("FUSED_STANDIN_IMPORT_HANG") == "1":
    # An SDK whose import never returns (a network call at import time behind a dead proxy, a lock).
    time.sleep(3600)
if os.environ.get("FUSED_STANDIN_IMPORT_FAIL"):
    raise ImportError(os.environ["FUSED_STANDIN_IMPORT_FAIL"])

from . import api  # noqa: E402,F401

__version__ = "0.0.0-standin"
