"""dashboards: rollups of responses by local hour, staff member, topic, case and comment

Revision ID: 0009_dashboards
Revises: session_last_seen
Create Date: 2026-11-23 15:00:00

Revision id kept as 0009_dashboards: deployed databases know this migration by it.

The tables start empty: once the upgrade reaches the head revision, migrations/env.py
fills them from the responses already stored (surveys/reporting/metrics/backfill.py).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_dashboards'
down_revision = 'session_last_seen'
branch_labels = None
depends_on = None

COUNTERS = ('responses', 'rated', 'rating_sum', 'satisfied', 'negative', 'praised', 'silent',
            'nps_answers', 'promoters', 'detractors')


def _counters():
    return [sa.Column(name, sa.Integer(), nullable=False) for name in COUNTERS]


def _location(table):
    return sa.ForeignKeyConstraint(['location_id'], ['location.id'],
                                   name=op.f(f'fk_{table}_location_id_location'))


def upgrade():
    op.create_table('metric_hour',
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('local_date', sa.Date(), nullable=False),
    sa.Column('hour', sa.SmallInteger(), nullable=False),
    sa.Column('weekday', sa.SmallInteger(), nullable=False),
    *_counters(),
    _location('metric_hour'),
    sa.PrimaryKeyConstraint('location_id', 'local_date', 'hour', name=op.f('pk_metric_hour')),
    sqlite_with_rowid=False,
    )
    op.create_table('metric_staff',
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('local_date', sa.Date(), nullable=False),
    sa.Column('staff_id', sa.Integer(), autoincrement=False, nullable=False),
    *_counters(),
    _location('metric_staff'),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_metric_staff_staff_id_staff')),
    sa.PrimaryKeyConstraint('location_id', 'local_date', 'staff_id', name=op.f('pk_metric_staff')),
    sqlite_with_rowid=False,
    )
    op.create_table('metric_topic',
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('local_date', sa.Date(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('choice', sa.String(length=64), nullable=False),
    *_counters(),
    _location('metric_topic'),
    sa.ForeignKeyConstraint(['question_id'], ['question.id'], name=op.f('fk_metric_topic_question_id_question')),
    sa.PrimaryKeyConstraint('location_id', 'local_date', 'question_id', 'choice', name=op.f('pk_metric_topic')),
    sqlite_with_rowid=False,
    )
    op.create_table('metric_alert',
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('local_date', sa.Date(), nullable=False),
    sa.Column('alert_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('acknowledged_at', sa.DateTime(), nullable=True),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.Column('outcome', sa.String(length=20), nullable=True),
    sa.Column('acknowledge_seconds', sa.Double(), nullable=True),
    sa.Column('resolve_seconds', sa.Double(), nullable=True),
    sa.ForeignKeyConstraint(['alert_id'], ['alert.id'], name=op.f('fk_metric_alert_alert_id_alert'), ondelete='CASCADE'),
    _location('metric_alert'),
    sa.PrimaryKeyConstraint('location_id', 'local_date', 'alert_id', name=op.f('pk_metric_alert')),
    sqlite_with_rowid=False,
    )
    op.create_index('ix_metric_alert_alert_id', 'metric_alert', ['alert_id'], unique=True)
    op.create_table('metric_comment',
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('captured_at', sa.DateTime(), nullable=False),
    sa.Column('response_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('rating', sa.Integer(), nullable=True),
    _location('metric_comment'),
    sa.ForeignKeyConstraint(['response_id'], ['response.id'], name=op.f('fk_metric_comment_response_id_response'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('location_id', 'captured_at', 'response_id', name=op.f('pk_metric_comment')),
    sqlite_with_rowid=False,
    )


def downgrade():
    op.drop_table('metric_comment')
    op.drop_index('ix_metric_alert_alert_id', table_name='metric_alert')
    op.drop_table('metric_alert')
    op.drop_table('metric_topic')
    op.drop_table('metric_staff')
    op.drop_table('metric_hour')
