"""survey versions and languages, question keys and conditions, location branding

Revision ID: 0008
Revises: 0003
Create Date: 2026-11-23 12:15:43.603324

Revision id kept as 0008: deployed databases know this migration by it.
"""
import json

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('location_brand',
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('display_name', sa.String(length=120), nullable=True),
    sa.Column('accent_color', sa.String(length=7), nullable=True),
    sa.Column('logo_png', sa.LargeBinary(), nullable=True),
    sa.Column('logo_digest', sa.String(length=64), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['location_id'], ['location.id'], name=op.f('fk_location_brand_location_id_location'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('location_id', name=op.f('pk_location_brand'))
    )
    # No batch mode for survey and question: on SQLite it would copy and drop the tables,
    # which their foreign keys (responses, answers) forbid once there is data. Plain ADD COLUMN
    # works on both databases; a NOT NULL column is added with a default, then filled.
    op.add_column('question', sa.Column('key', sa.String(length=40), nullable=False, server_default=''))
    op.add_column('question', sa.Column('condition', sa.JSON(), nullable=True))
    # Existing questions get a key from their id: unique, and stable from now on.
    op.execute("UPDATE question SET key = 'q' || CAST(id AS VARCHAR(20))")
    op.create_index('ix_question_survey_id_key', 'question', ['survey_id', 'key'], unique=True)

    op.add_column('survey', sa.Column('version', sa.Integer(), server_default='1', nullable=False))
    op.add_column('survey', sa.Column('languages', sa.JSON(), server_default=sa.text('\'["en"]\''), nullable=False))
    op.add_column('survey', sa.Column('superseded_at', sa.DateTime(), nullable=True))
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE survey ADD COLUMN family_id INTEGER REFERENCES survey (id)')
    else:
        op.alter_column('question', 'key', server_default=None)
        op.add_column('survey', sa.Column('family_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_survey_family_id_survey'), 'survey', 'survey', ['family_id'], ['id'])
    op.create_index(op.f('ix_survey_family_id'), 'survey', ['family_id'], unique=False)
    _languages_from_texts()


def _languages_from_texts():
    """An existing survey speaks the languages its questions have texts in."""
    connection = op.get_bind()
    found: dict[int, set[str]] = {}
    for survey_id, texts in connection.execute(sa.text("SELECT survey_id, texts FROM question")):
        texts = json.loads(texts) if isinstance(texts, str) else texts
        found.setdefault(survey_id, set()).update(code for code, text in texts.items() if text)
    for survey_id, codes in found.items():
        ordered = sorted(codes, key=lambda code: (code != "en", code))
        connection.execute(
            sa.text("UPDATE survey SET languages = :languages WHERE id = :id"),
            {"languages": json.dumps(ordered), "id": survey_id},
        )


def downgrade():
    op.drop_index(op.f('ix_survey_family_id'), table_name='survey')
    op.drop_index('ix_question_survey_id_key', table_name='question')
    with op.batch_alter_table('survey', schema=None) as batch_op:
        if op.get_bind().dialect.name != 'sqlite':
            batch_op.drop_constraint(op.f('fk_survey_family_id_survey'), type_='foreignkey')
        batch_op.drop_column('superseded_at')
        batch_op.drop_column('languages')
        batch_op.drop_column('version')
        batch_op.drop_column('family_id')
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.drop_column('condition')
        batch_op.drop_column('key')
    op.drop_table('location_brand')
