"""privacy: contact retention per location

Revision ID: 0012_privacy
Revises: 0011_digest
Create Date: 2026-11-23 15:00:00

Revision id kept as 0012_privacy: deployed databases know this migration by it.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_privacy'
down_revision = '0011_digest'
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN: no batch mode, so SQLite never recreates the table (and its FKs).
    op.add_column(
        'location',
        sa.Column('contact_retention_days', sa.Integer(), server_default='90', nullable=False),
    )


def downgrade():
    op.drop_column('location', 'contact_retention_days')  # SQLite 3.35+ drops in place
