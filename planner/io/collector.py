"""Pausing Python's cyclic garbage collector while the program builds or walks large
structures (a catalog, a PDF's pages): each collection meanwhile would walk every object
made so far. Reference counting still frees everything that is dropped."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def gc_paused(*, promote: bool = True) -> Iterator[None]:
    """No cyclic garbage collection inside the block: parsing and validating a 3,600-model
    catalog triggers collections that walk every object made so far (about 40% of the load
    time); a 1,000-line PDF makes a million short-lived Qt wrappers, and a collection every
    700 of them.

    With `promote`, what was made meanwhile (a catalog: long-lived) is then moved to the
    oldest generation at once (freeze and unfreeze move objects without walking them): left in
    the youngest, the first collection after the pause would walk all of it (0.3 s for a
    50,000-model catalog), and each older one again."""
    was, frozen = gc.isenabled(), gc.get_freeze_count()
    gc.disable()
    try:
        yield
    finally:
        if was:
            if promote:
                gc.freeze()
                if not frozen:  # (where the program keeps its long-lived objects frozen, these join them)
                    gc.unfreeze()
            gc.enable()
