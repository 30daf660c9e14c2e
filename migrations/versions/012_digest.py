"""digest e-mails: opt-in per user, one row per period sent

Revision ID: 0011_digest
Revises: 0010_api_scopes
Create Date: 2026-11-23 15:00:00

Revision id kept as 0011_digest: deployed databases know this migration by it.
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_digest"
down_revision = "0010_api_scopes"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN (no batch mode): SQLite adds it in place, leaving the user table and
    # the foreign keys pointing at it alone.
    op.add_column(
        "user", sa.Column("digest_frequency", sa.String(10), nullable=False, server_default="off")
    )
    op.add_column(
        "user", sa.Column("digest_language", sa.String(10), nullable=False, server_default="en")
    )
    op.create_table(
        "digest_sent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "frequency",
            sa.Enum("off", "daily", "weekly", name="digestfrequency", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("period_first", sa.Date(), nullable=False),
        sa.Column("period_last", sa.Date(), nullable=False),
        sa.Column("queued_at", sa.DateTime(), nullable=False),
        sa.Column("outbox_message_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_digest_sent_user_id_user"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["outbox_message_id"],
            ["outbox_message.id"],
            name=op.f("fk_digest_sent_outbox_message_id_outbox_message"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digest_sent")),
        sa.UniqueConstraint(
            "user_id", "frequency", "period_first", name=op.f("uq_digest_sent_user_id")
        ),
    )


def downgrade():
    op.drop_table("digest_sent")
    op.drop_column("user", "digest_language")
    op.drop_column("user", "digest_frequency")
