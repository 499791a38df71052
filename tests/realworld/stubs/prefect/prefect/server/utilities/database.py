# Stub: Prefect's column types, reduced to how they compile on SQLite
# (prefect/server/utilities/database.py: UUID is CHAR(36), Timestamp is sqlite DATETIME,
# JSON is sqlite JSON, Pydantic is JSON).
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.types import CHAR, TypeDecorator


class Timestamp(TypeDecorator):
    impl = sa.TIMESTAMP(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(sqlite.DATETIME())
        return dialect.type_descriptor(sa.TIMESTAMP(timezone=True))


class UUID(TypeDecorator):
    impl = sa.Uuid()
    cache_ok = True

    def load_dialect_impl(self, dialect):
        return dialect.type_descriptor(CHAR(36))

    def process_bind_param(self, value, dialect):
        return None if value is None else str(value)


class JSON(TypeDecorator):
    impl = postgresql.JSONB
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(sqlite.JSON(none_as_null=True))
        return dialect.type_descriptor(sa.JSON(none_as_null=True))


class Pydantic(TypeDecorator):
    impl = JSON
    cache_ok = True

    def __init__(self, pydantic_type, sa_column_type=None):
        super().__init__()
        self._pydantic_type = pydantic_type
        if sa_column_type is not None:
            self.impl = sa_column_type
