"""`flask --app wsgi metrics rebuild`: recompute the dashboard rollups from the raw rows."""

import click
from flask.cli import AppGroup

from surveys.db import db
from surveys.reporting.metrics import rebuild_rollups

metrics = AppGroup("metrics", help="Dashboard numbers.")


@metrics.command("rebuild")
@click.option("--location", "location_ids", type=int, multiple=True, help="Only this location.")
def metrics_rebuild(location_ids: tuple[int, ...]):
    """Recompute the rollups (after a bulk load, or an upgrade) from responses and cases."""
    written = rebuild_rollups(list(location_ids) or None)
    db.session.commit()
    click.echo(f"Dashboard rollups rebuilt: {written} rows written.")
