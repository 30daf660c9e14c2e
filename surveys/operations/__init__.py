"""Running the service: liveness and readiness (`health.py`), logging set up once
(`logs.py`), the request log line and latency (`access.py`), Prometheus metrics
(`metrics.py`) and the SQLite online backup (`backup.py`)."""
