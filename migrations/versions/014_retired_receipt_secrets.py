"""channels: the signing secrets a location has replaced, to recognise its old codes

Revision ID: 0014_retired_receipt_secrets
Revises: 0012_privacy
Create Date: 2026-12-03 10:00:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014_retired_receipt_secrets'
down_revision = '0012_privacy'
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN: no batch mode, so SQLite never recreates the table (and its FKs).
    op.add_column(
        'location',
        sa.Column('retired_receipt_secrets', sa.JSON(), server_default='[]', nullable=False),
    )


def downgrade():
    op.drop_column('location', 'retired_receipt_secrets')
