"""api scopes: a key may mint receipts, read responses and metrics, or both

Revision ID: 0010_api_scopes
Revises: 0009_dashboards
Create Date: 2026-11-23 15:00:00

Revision id kept as 0010_api_scopes: deployed databases know this migration by it.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_api_scopes'
down_revision = '0009_dashboards'
branch_labels = None
depends_on = None


def upgrade():
    # Every existing key is a till's: it keeps minting receipt codes, and reads nothing.
    with op.batch_alter_table('api_key', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scopes', sa.String(length=100), server_default='receipts', nullable=False))


def downgrade():
    with op.batch_alter_table('api_key', schema=None) as batch_op:
        batch_op.drop_column('scopes')
