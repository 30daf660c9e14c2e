"""notify rules: follow-up reminders sent once, and grouped notifications per person

alert.follow_up_reminded_at marks a follow-up whose holder was reminded (cleared when a new
follow-up is scheduled). outbox_message.group_key names the digest a message is (e.g.
"escalation:<user id>"): a pending one takes further cases instead of a new message.

Revision ID: 0022_notify_rules
Revises: 0020_case_histograms
Create Date: 2026-12-04 02:40:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0022_notify_rules'
down_revision = '0020_case_histograms'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('alert', schema=None) as batch_op:
        batch_op.add_column(sa.Column('follow_up_reminded_at', sa.DateTime(), nullable=True))
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('group_key', sa.String(length=80), nullable=True))
        batch_op.create_index('ix_outbox_message_group', ['group_key', 'status'], unique=False)


def downgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_message_group')
        batch_op.drop_column('group_key')
    with op.batch_alter_table('alert', schema=None) as batch_op:
        batch_op.drop_column('follow_up_reminded_at')
