"""cases: a resolve target per location (the inbox's overdue view), indexes for the history

The case history searches the customers' written answers for a substring. Each database
keeps a trigram index for it: on SQLite an FTS5 table `answer_words` (tokenizer trigram)
holding a copy of every non-empty answer text under the answer's id, kept by triggers (so
bulk loaders, erasure and the retention purge keep it right without knowing of it); on
PostgreSQL a pg_trgm GIN index on answer.text, which ILIKE uses.

Revision ID: 0017_inbox_history
Revises: 0016_push_subscriptions
Create Date: 2026-12-04 01:40:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017_inbox_history'
down_revision = '0016_push_subscriptions'
branch_labels = None
depends_on = None

SQLITE_WORDS = [
    "CREATE VIRTUAL TABLE answer_words USING fts5(text, tokenize='trigram')",
    "INSERT INTO answer_words(rowid, text) SELECT id, text FROM answer WHERE text IS NOT NULL",
    """CREATE TRIGGER answer_words_insert AFTER INSERT ON answer WHEN new.text IS NOT NULL
       BEGIN INSERT INTO answer_words(rowid, text) VALUES (new.id, new.text); END""",
    """CREATE TRIGGER answer_words_delete AFTER DELETE ON answer
       BEGIN DELETE FROM answer_words WHERE rowid = old.id; END""",
    """CREATE TRIGGER answer_words_update AFTER UPDATE OF text ON answer
       BEGIN
         DELETE FROM answer_words WHERE rowid = old.id;
         INSERT INTO answer_words(rowid, text) SELECT new.id, new.text WHERE new.text IS NOT NULL;
       END""",
]


def upgrade():
    # A plain ADD COLUMN: no batch mode, so SQLite never recreates the table (and its FKs).
    op.add_column(
        'location',
        sa.Column('resolve_within_hours', sa.Integer(), server_default='24', nullable=False),
    )
    # The overdue view and its count: open cases of a location older than a cutoff.
    op.create_index(
        'ix_alert_location_id_status_created_at', 'alert', ['location_id', 'status', 'created_at']
    )
    op.create_index('ix_answer_choice_response_id', 'answer', ['choice', 'response_id'])
    op.create_index('ix_response_staff_id', 'response', ['staff_id'])
    if op.get_bind().dialect.name == 'sqlite':
        for statement in SQLITE_WORDS:
            op.execute(statement)
    else:
        op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
        op.execute('CREATE INDEX ix_answer_text_trgm ON answer USING gin (text gin_trgm_ops)')


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        for name in ('insert', 'delete', 'update'):
            op.execute(f'DROP TRIGGER answer_words_{name}')
        op.execute('DROP TABLE answer_words')
    else:
        op.execute('DROP INDEX ix_answer_text_trgm')
    op.drop_index('ix_response_staff_id', 'response')
    op.drop_index('ix_answer_choice_response_id', 'answer')
    op.drop_index('ix_alert_location_id_status_created_at', 'alert')
    op.drop_column('location', 'resolve_within_hours')
