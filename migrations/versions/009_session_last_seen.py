"""user sessions: when each was last used, for the idle timeout

Revision ID: session_last_seen
Revises: 0004
Create Date: 2026-11-23 15:00:00

Revision id kept as session_last_seen: deployed databases know this migration by it.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'session_last_seen'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_seen_at', sa.DateTime(), nullable=True))
    op.execute('UPDATE user_session SET last_seen_at = created_at')
    # Only user_session is rebuilt on SQLite; no table refers to it.
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.alter_column('last_seen_at', existing_type=sa.DateTime(), nullable=False)


def downgrade():
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.drop_column('last_seen_at')
