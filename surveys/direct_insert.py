"""Writing new ORM objects with one INSERT … RETURNING each instead of the unit of work.

For the kiosk tap's response and its first answer: flushing two new objects through the
unit of work cost about five times the two statements themselves (docs/performance.md,
"the tap at the ceiling"). The objects then sit in the session as if they had been
flushed: persistent, their defaults read back from the row, relationships as they were set.

The mappers' after_insert events run as the unit of work would run them, once each row is
written, and a rollback of the session's transaction makes the objects transient again, as
it does with flushed ones. What this does not do is the session's flush hooks (they do not
see the objects as new: count new rows with after_insert instead) or ordering: objects are
written in the order given, so a parent comes first.
"""

from functools import cache

from sqlalchemy import Table, event, insert, inspect
from sqlalchemy.orm import MANYTOONE, Session, make_transient, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from surveys.db import db

# The objects written in the session's open transaction.
_WRITTEN = "inserted_directly"


def insert_directly(*instances) -> None:
    """INSERT each transient object's row, in order, then keep them in the session as
    persistent."""
    for instance in instances:
        _insert(instance)
    for instance in instances:
        make_transient_to_detached(instance)
    db.session.add_all(instances)
    db.session.info.setdefault(_WRITTEN, []).extend(instances)
    connection = db.session.connection()
    for instance in instances:
        state = inspect(instance)
        state.mapper.dispatch.after_insert(state.mapper, connection, state)


def _insert(instance) -> None:
    mapper = inspect(instance).mapper
    _take_foreign_keys(instance, mapper)
    given = {
        attribute.columns[0].name: instance.__dict__[attribute.key]
        for attribute in mapper.column_attrs
        if attribute.key in instance.__dict__
    }
    row = db.session.execute(_insert_returning(mapper.local_table), given).one()._mapping
    for attribute in mapper.column_attrs:
        set_committed_value(instance, attribute.key, row[attribute.columns[0].name])


def _take_foreign_keys(instance, mapper) -> None:
    """Set the foreign keys from the many-to-one objects the instance points at (loaded, or
    written just before it), as a flush would."""
    for relationship in mapper.relationships:
        related = instance.__dict__.get(relationship.key)
        if relationship.direction is not MANYTOONE or related is None:
            continue
        related_mapper = inspect(related).mapper
        for local, remote in relationship.local_remote_pairs:
            value = getattr(related, related_mapper.get_property_by_column(remote).key)
            setattr(instance, mapper.get_property_by_column(local).key, value)


@event.listens_for(Session, "after_commit")
def _kept(session: Session) -> None:
    if not session.in_nested_transaction():
        session.info.pop(_WRITTEN, None)


@event.listens_for(Session, "after_rollback")
def _unwritten(session: Session) -> None:
    """The rows are gone: the objects become transient, as flushed ones do."""
    if session.in_nested_transaction():
        return
    for instance in session.info.pop(_WRITTEN, ()):
        if instance in session:
            session.expunge(instance)
        make_transient(instance)


@cache
def _insert_returning(table: Table):
    """The table's INSERT returning every column, built once."""
    return insert(table).returning(*table.c)
