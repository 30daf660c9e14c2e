"""cases: several remedies per case, a location's currency, apology texts per language, and
the count of apologies sent

Revision ID: 0019_case_work
Revises: 0018_job_leases
Create Date: 2026-12-04 01:45:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019_case_work'
down_revision = '0018_job_leases'
branch_labels = None
depends_on = None

REMEDY = sa.Enum(
    'apology', 'replacement', 'refund', 'coupon', 'other',
    name='remedy', native_enum=False, length=20,
)


def upgrade():
    # Plain ADD COLUMNs with server defaults: no batch mode, SQLite never recreates a table.
    op.add_column(
        'location', sa.Column('currency', sa.String(length=3), server_default='EUR', nullable=False)
    )
    op.add_column(
        'coupon', sa.Column('currency', sa.String(length=3), server_default='EUR', nullable=False)
    )
    op.add_column(
        'alert', sa.Column('apologies_sent', sa.Integer(), server_default='0', nullable=False)
    )
    op.create_table(
        'case_remedy',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('alert_id', sa.Integer(), nullable=False),
        sa.Column('location_id', sa.Integer(), nullable=False),
        sa.Column('kind', REMEDY, nullable=False),
        sa.Column('amount_minor', sa.Integer(), nullable=True),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('added_at', sa.DateTime(), nullable=False),
        sa.Column('added_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['alert_id'], ['alert.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['location_id'], ['location.id']),
        sa.ForeignKeyConstraint(['added_by_id'], ['user.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_case_remedy_alert_id', 'case_remedy', ['alert_id'])
    op.create_index('ix_case_remedy_location_id', 'case_remedy', ['location_id'])
    op.create_table(
        'apology_text',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('location_id', sa.Integer(), nullable=False),
        sa.Column('language', sa.String(length=10), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['location_id'], ['location.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('location_id', 'language'),
    )
    # The one remedy a case held so far becomes the first of its list.
    op.execute(
        "INSERT INTO case_remedy (alert_id, location_id, kind, amount_minor, currency, note,"
        " added_at, added_by_id)"
        " SELECT alert.id, alert.location_id, alert.remedy, alert.amount_cents, 'EUR',"
        " alert.remedy_note, alert.resolved_at, alert.assigned_to_id"
        " FROM alert WHERE alert.remedy IS NOT NULL AND alert.resolved_at IS NOT NULL"
    )


def downgrade():
    op.drop_table('apology_text')
    op.drop_index('ix_case_remedy_location_id', table_name='case_remedy')
    op.drop_index('ix_case_remedy_alert_id', table_name='case_remedy')
    op.drop_table('case_remedy')
    op.drop_column('alert', 'apologies_sent')
    op.drop_column('coupon', 'currency')
    op.drop_column('location', 'currency')
