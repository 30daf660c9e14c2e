"""notify rules: follow-up reminders sent once, and grouped notifications per person

alert.follow_up_reminded_at marks a follow-up whose holder was reminded (cleared when a new
follow-up is scheduled). outbox_message.group_key names the digest a message is (e.g.
"escalations:<user id>"): a pending one takes further cases instead of a new message.
user.notify_push / notify_email / quiet_start / quiet_end / timezone: each person's channels
and quiet hours.

Revision ID: 0021_notify_rules
Revises: 0020_case_histograms
Create Date: 2026-12-04 02:40:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021_notify_rules'
down_revision = '0020_case_histograms'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notify_push', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('notify_email', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('quiet_start', sa.String(length=5), nullable=True))
        batch_op.add_column(sa.Column('quiet_end', sa.String(length=5), nullable=True))
        batch_op.add_column(sa.Column('timezone', sa.String(length=64), nullable=True))
    with op.batch_alter_table('alert', schema=None) as batch_op:
        batch_op.add_column(sa.Column('follow_up_reminded_at', sa.DateTime(), nullable=True))
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('group_key', sa.String(length=80), nullable=True))
        batch_op.create_index('ix_outbox_message_group', ['group_key', 'status'], unique=False)


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        for column in ('timezone', 'quiet_end', 'quiet_start', 'notify_email', 'notify_push'):
            batch_op.drop_column(column)
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_message_group')
        batch_op.drop_column('group_key')
    with op.batch_alter_table('alert', schema=None) as batch_op:
        batch_op.drop_column('follow_up_reminded_at')
