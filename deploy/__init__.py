"""Running the studio as a production topology: the loopback launcher (topology.py) and the
files for real machines (systemd units, nginx, env example); see docs/deploy.md."""
