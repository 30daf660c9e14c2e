"""places: what staff of a location may do (acknowledge, redeem coupons, see contacts)

Revision ID: 0015_staff_permissions
Revises: 0014_retired_receipt_secrets
Create Date: 2026-12-04 02:00:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015_staff_permissions'
down_revision = '0014_retired_receipt_secrets'
branch_labels = None
depends_on = None

PERMISSIONS = ('staff_may_acknowledge', 'staff_may_redeem_coupons', 'staff_may_see_contact')


def upgrade():
    # Plain ADD COLUMNs: no batch mode, so SQLite never recreates the table (and its FKs).
    for name in PERMISSIONS:
        op.add_column(
            'location', sa.Column(name, sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade():
    # Plain DROP COLUMN too (SQLite 3.35+): recreating the table would break its foreign keys.
    for name in PERMISSIONS:
        op.drop_column('location', name)
