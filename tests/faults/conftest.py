import time

import pytest

from deploy.topology import Topology
from tests.deploy.cluster import database_url, skip_without_production_services, topology_env

from .nemesis import RedisServer, TcpProxy
from .storm import Cluster

# A job may run 6 s: its lease is 12 s, a queued job lost by the broker is re-sent after 12 s.
TIME_LIMIT = 6


@pytest.fixture(scope="package")
def cluster(django_db_setup, django_db_blocker, tmp_path_factory):
    """The topology with the faults' own Redis and the database behind a proxy we can cut."""
    skip_without_production_services()
    from django.db import connection

    var = tmp_path_factory.mktemp("faults")
    redis = RedisServer(var).start()
    db = connection.settings_dict
    proxy = TcpProxy(db["HOST"] or "127.0.0.1", db["PORT"] or 5432).start()
    env = topology_env(REDIS_URL=redis.url, DATABASE_URL=database_url(port=proxy.port),
                       STUDIO_GENERATOR="tests.faults.slow_engine.SlowTinyGenerator",
                       STUDIO_GENERATION_TIME_LIMIT=str(TIME_LIMIT), STUDIO_SWEEP_EVERY="1")
    topology = Topology(env, web=2, workers=1, var_dir=var, migrate=False)
    try:
        topology.start()
        yield Cluster(topology=topology, redis=redis, proxy=proxy)
    finally:
        topology.stop()
        proxy.cut()
        redis.stop()


@pytest.fixture
def healthy(cluster, django_db_blocker):
    """Every test starts and ends with every process up, Redis up and the database reachable."""
    yield cluster
    with django_db_blocker.unblock():
        wait_for_quiet_database()
    if cluster.proxy.is_cut:
        cluster.proxy.restore()
    if not cluster.redis.service.alive:
        cluster.redis.start()
    for service in cluster.topology.services:
        if not service.alive:
            service.start()


def wait_for_quiet_database(seconds: float = 20) -> None:
    """Until the web processes have finished the work their clients left behind: flushing the
    database under a transaction still running would deadlock the test's teardown."""
    from django.db import connection

    deadline = time.monotonic() + seconds
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                           "AND pid <> pg_backend_pid() AND state NOT IN ('idle')")
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.2)
