"""interviewer: a local, private mock-interview coach for machine-learning engineering interviews."""
from . import config as _config  # noqa: F401  (offline and no-telemetry switches, before anything else)

__version__ = "0.1.0"
