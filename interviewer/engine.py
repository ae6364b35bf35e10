"""Wire the engine together once: bank -> index -> scorer. The CLI, the app and the benchmarks use this.

`load_engine()` raises BankError or ModelLoadError with a message a person can act on; callers
show that message and stop. There is no degraded mode.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from .bank import Bank, load_bank
from .index import BankIndex, Progress, build_index
from .models import minilm
from .scoring import Scorer
from .verifier import verifier


@dataclass
class Engine:
    bank: Bank
    index: BankIndex
    scorer: Scorer


_lock = threading.Lock()
_engines: dict[tuple, Engine] = {}


def load_engine(paths: list[Path] | None = None, cache_dir: Path | None = None,
                progress: Progress | None = None) -> Engine:
    """Load (once per process and set of paths) the bank, its FAISS index and the scorer."""
    key = (tuple(str(p) for p in paths or []), str(cache_dir or ""))
    with _lock:
        if key not in _engines:
            bank = load_bank(paths)
            index = build_index(bank, minilm, cache_dir=cache_dir, progress=progress)
            _engines[key] = Engine(bank, index, Scorer(bank, index, verifier()))
        return _engines[key]
