"""A bounded cache of a layout function's results, per argument tuple (name, zoom level, ...).

Whatever depends on the zoom is computed per level (a whole font size, an icon scale, a
device scale), not per frame: the first frame at a level computes it for the cards in view,
every later frame at that level looks it up. The cache does not know what the function
computes; its key is the function's arguments, so a renamed card simply asks for another key,
and invalidate() forgets everything when what the function reads besides its arguments
changes (the application font or the theme).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from functools import update_wrapper
from typing import Generic, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


class LevelCache(Generic[P, R]):
    """`function`'s results for the last `maxsize` argument tuples (least recently used dropped)."""

    def __init__(self, function: Callable[P, R], maxsize: int):
        self.uncached = function
        self.maxsize = maxsize
        self.hits = 0
        self.misses = 0
        self._results: OrderedDict[Hashable, R] = OrderedDict()
        update_wrapper(self, function)

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        key = (args, tuple(sorted(kwargs.items()))) if kwargs else args
        results = self._results
        if key in results:
            self.hits += 1
            results.move_to_end(key)
            return results[key]
        self.misses += 1
        value = results[key] = self.uncached(*args, **kwargs)
        if len(results) > self.maxsize:
            results.popitem(last=False)
        return value

    def __len__(self) -> int:
        return len(self._results)

    def has(self, *args: Hashable) -> bool:
        """Whether the result for these positional arguments is cached (nothing is computed)."""
        return args in self._results

    def invalidate(self) -> None:
        """Forget every result (what the function reads besides its arguments changed)."""
        self._results.clear()


def level_cache(maxsize: int) -> Callable[[Callable[P, R]], LevelCache[P, R]]:
    """Decorator: cache a layout function's results per argument tuple (see LevelCache)."""

    def wrap(function: Callable[P, R]) -> LevelCache[P, R]:
        return LevelCache(function, maxsize)

    return wrap
