"""reporting: case histograms (metric_case_count, metric_duration), filled from metric_alert

The dashboard's recovery counts and median durations are read from these instead of
sorting a period's cases (issue 17). Existing cases are counted from their metric_alert
copies, with the same functions the flush hook uses (surveys/models/case_histogram.py).

Revision ID: 0020_case_histograms
Revises: 0019_case_work
Create Date: 2026-12-04 01:40:00
"""
from alembic import op
import sqlalchemy as sa

from surveys.models.case_histogram import add_up, as_rows


# revision identifiers, used by Alembic.
revision = '0020_case_histograms'
down_revision = '0019_case_work'
branch_labels = None
depends_on = None

CHUNK = 20_000


def _location(table):
    return sa.ForeignKeyConstraint(['location_id'], ['location.id'],
                                   name=op.f(f'fk_{table}_location_id_location'))


def upgrade():
    counts = op.create_table('metric_case_count',
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('span', sa.SmallInteger(), autoincrement=False, nullable=False),
    sa.Column('start', sa.Date(), nullable=False),
    sa.Column('what', sa.String(length=12), nullable=False),
    sa.Column('bucket', sa.SmallInteger(), autoincrement=False, nullable=False),
    sa.Column('cases', sa.Integer(), nullable=False),
    _location('metric_case_count'),
    sa.PrimaryKeyConstraint('location_id', 'span', 'start', 'what', 'bucket',
                            name=op.f('pk_metric_case_count')),
    sqlite_with_rowid=False,
    )
    durations = op.create_table('metric_duration',
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('what', sa.String(length=12), nullable=False),
    sa.Column('bucket', sa.SmallInteger(), autoincrement=False, nullable=False),
    sa.Column('local_date', sa.Date(), nullable=False),
    sa.Column('seconds', sa.Double(), nullable=False),
    sa.Column('cases', sa.Integer(), nullable=False),
    _location('metric_duration'),
    sa.PrimaryKeyConstraint('location_id', 'what', 'bucket', 'local_date', 'seconds',
                            name=op.f('pk_metric_duration')),
    sqlite_with_rowid=False,
    )
    cases = sa.table('metric_alert',
                     sa.column('location_id', sa.Integer()),
                     sa.column('local_date', sa.Date()),
                     sa.column('outcome', sa.String()),
                     sa.column('acknowledge_seconds', sa.Double()),
                     sa.column('resolve_seconds', sa.Double()))
    rows = op.get_bind().execute(sa.select(cases)).mappings()
    for table, filled in zip((counts, durations), as_rows(*add_up(rows))):
        for start in range(0, len(filled), CHUNK):
            op.bulk_insert(table, filled[start:start + CHUNK])


def downgrade():
    op.drop_table('metric_duration')
    op.drop_table('metric_case_count')
