"""Reading /metrics as Prometheus does: the text format, parsed by prometheus_client."""

from prometheus_client.parser import text_string_to_metric_families

METRICS_TOKEN = "test-metrics-token"
BEARER = {"Authorization": f"Bearer {METRICS_TOKEN}"}


def samples(text: str) -> dict[tuple[str, tuple], float]:
    """Every sample of a scrape: (name, sorted labels) -> value."""
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def value(text: str, name: str, **labels: str) -> float:
    """One sample's value; 0 when the series is not there yet."""
    return samples(text).get((name, tuple(sorted(labels.items()))), 0.0)


def scrape(client) -> str:
    """GET /metrics with the token, as the Prometheus server would."""
    response = client.get("/metrics", headers=BEARER)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)
