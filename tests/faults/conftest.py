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
def healthy(cluster):
    """Every test starts and ends with every process up, Redis up and the database reachable."""
    yield cluster
    if cluster.proxy._listener is None:
        cluster.proxy.restore()
    if not cluster.redis.service.alive:
        cluster.redis.start()
    for service in cluster.topology.services:
        if not service.alive:
            service.start()
