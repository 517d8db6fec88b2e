import pytest

from deploy.topology import Topology

from .cluster import skip_without_production_services, topology_env


@pytest.fixture(scope="module")
def topology(django_db_setup, django_db_blocker, tmp_path_factory):
    """Two daphne processes, one Celery worker and the sweeper on the test database and Redis."""
    skip_without_production_services()
    with Topology(topology_env(), web=2, workers=1, var_dir=tmp_path_factory.mktemp("topology"),
                  migrate=False) as running:
        yield running
