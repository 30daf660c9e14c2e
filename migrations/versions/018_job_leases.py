"""jobs: a lease row per periodic job, so each runs once per period across the cluster;
an index for the surge check's recent answers of every location

Revision ID: 0018_job_leases
Revises: 0017_inbox_history
Create Date: 2026-12-04 01:40:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018_job_leases'
down_revision = '0017_inbox_history'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'job_lease',
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('due_at', sa.DateTime(), nullable=False),
        sa.Column('last_started_at', sa.DateTime(), nullable=True),
        sa.Column('holder', sa.String(length=120), nullable=False),
        sa.Column('runs', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_job_lease')),
    )
    op.create_index(
        'ix_response_location_captured', 'response', ['location_id', 'captured_at']
    )


def downgrade():
    op.drop_index('ix_response_location_captured', table_name='response')
    op.drop_table('job_lease')
