"""receipt codes, posters, till API keys

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 12:12:45.145782

"""
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('api_key',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_used_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['location_id'], ['location.id'], name=op.f('fk_api_key_location_id_location')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_key')),
    sa.UniqueConstraint('key_hash', name=op.f('uq_api_key_key_hash'))
    )
    with op.batch_alter_table('api_key', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_key_location_id'), ['location_id'], unique=False)

    # Every existing location gets its own random signing secret: added nullable, filled row
    # by row, then made NOT NULL. A server default would give every location the same key.
    with op.batch_alter_table('location', schema=None) as batch_op:
        batch_op.add_column(sa.Column('receipt_secret', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('receipt_valid_days', sa.Integer(), server_default='30', nullable=False))
        batch_op.add_column(sa.Column('poster_repeat_hours', sa.Integer(), server_default='12', nullable=False))
    connection = op.get_bind()
    location = sa.table('location', sa.column('id', sa.Integer), sa.column('receipt_secret', sa.String))
    for (location_id,) in connection.execute(sa.select(location.c.id)).all():
        connection.execute(
            location.update()
            .where(location.c.id == location_id)
            .values(receipt_secret=secrets.token_hex(32))
        )
    with op.batch_alter_table('location', schema=None) as batch_op:
        batch_op.alter_column('receipt_secret', existing_type=sa.String(length=64), nullable=False)

    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.add_column(sa.Column('receipt_token', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('till', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('receipt_number', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('receipt_issued_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('staff_from_till', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_unique_constraint(batch_op.f('uq_response_receipt_token'), ['receipt_token'])


def downgrade():
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_response_receipt_token'), type_='unique')
        batch_op.drop_column('staff_from_till')
        batch_op.drop_column('receipt_issued_at')
        batch_op.drop_column('receipt_number')
        batch_op.drop_column('till')
        batch_op.drop_column('receipt_token')

    with op.batch_alter_table('location', schema=None) as batch_op:
        batch_op.drop_column('poster_repeat_hours')
        batch_op.drop_column('receipt_valid_days')
        batch_op.drop_column('receipt_secret')

    with op.batch_alter_table('api_key', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_key_location_id'))

    op.drop_table('api_key')
