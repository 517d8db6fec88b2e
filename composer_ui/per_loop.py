"""One instance of something per running event loop: one per process under daphne, one per test in
tests (each test runs its own loop, and asyncio objects must not cross loops)."""
import asyncio
import weakref
from typing import Callable, TypeVar

T = TypeVar("T")


def per_event_loop(factory: Callable[[], T], *,
                   still_good: Callable[[T], bool] = lambda _: True) -> Callable[..., T | None]:
    """A getter for this loop's instance, made by `factory` on first use (or when `still_good` says no);
    `get(create=False)` only looks."""
    instances: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, T]" = weakref.WeakKeyDictionary()

    def get(*, create: bool = True) -> T | None:
        loop = asyncio.get_running_loop()
        found = instances.get(loop)
        if create and (found is None or not still_good(found)):
            found = instances[loop] = factory()
        return found

    return get
