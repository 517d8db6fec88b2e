"""Presence (presence.py): this process's connections, and every process's through Redis, with
connections of a process that died falling out, and a Redis outage costing only the others' chips."""
import asyncio
import os
import uuid

import pytest

from composer_ui.presence import LocalPresence, RedisPresence

REDIS_URL = os.environ.get("REDIS_URL")
needs_redis = pytest.mark.skipif(not REDIS_URL, reason="the Redis store runs on the production pass (REDIS_URL)")


async def test_one_process_knows_its_connections_and_a_person_with_two_tabs_once():
    store = LocalPresence()
    assert await store.enter(1, 7, "a") == [7]
    assert await store.enter(1, 7, "b") == [7]
    assert await store.enter(1, 3, "c") == [3, 7]
    assert await store.enter(2, 9, "d") == [9]
    await store.leave(1, "a")
    assert await store.present(1) == [3, 7]  # the second tab is still open
    await store.leave(1, "b")
    await store.leave(1, "never-entered")
    assert await store.present(1) == [3]
    await store.leave(1, "c")
    assert await store.present(1) == [] and store.rooms == {2: {"d": 9}}


def two_processes(ttl=120.0):
    prefix = f"studio:test-{uuid.uuid4().hex}:presence:"
    return RedisPresence(REDIS_URL, prefix, ttl), RedisPresence(REDIS_URL, prefix, ttl)


@needs_redis
async def test_processes_see_each_others_connections_through_redis():
    web1, web2 = two_processes()
    assert await web1.enter(5, 1, "w1.a") == [1]
    assert await web2.enter(5, 2, "w2.a") == [1, 2]
    assert await web1.present(5) == [1, 2] and await web2.present(6) == []
    await web2.leave(5, "w2.a")
    assert await web1.present(5) == [1]
    await web1.leave(5, "w1.a")
    assert await web2.present(5) == []
    for store in (web1, web2):
        await store.redis.aclose()


@needs_redis
async def test_a_process_that_died_drops_out_and_a_living_one_is_vouched_for():
    living, dead = two_processes(ttl=1.0)
    await living.enter(5, 1, "alive")
    await dead.enter(5, 2, "gone")  # then its process is killed: no leave, no refresh
    dead.refresher.cancel()
    assert await living.present(5) == [1, 2]
    for _ in range(3):
        await asyncio.sleep(0.6)
        await living.refresh()  # what its background task does every ttl / 4
    assert await living.present(5) == [1]
    living.refresher.cancel()
    for store in (living, dead):
        await store.redis.aclose()


async def test_without_redis_presence_falls_back_to_this_process_and_never_raises(caplog):
    store = RedisPresence("redis://127.0.0.1:1/0", "studio:unreachable:", 120)  # nothing listens on port 1
    assert await store.enter(5, 1, "a") == [1]
    assert await store.present(5) == [1]
    await store.leave(5, "a")
    assert await store.present(5) == []
    store.refresher.cancel()
    assert "Redis failed" in caplog.text
