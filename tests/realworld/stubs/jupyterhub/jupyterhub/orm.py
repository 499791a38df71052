# Stub of jupyterhub/orm.py: the JSON column types, the naming convention and the declarative
# base, and the models the api_token_scopes migration queries (only their queried columns).
import json

from sqlalchemy import Column, ForeignKey, Integer, MetaData, Text, Unicode
from sqlalchemy.orm import declarative_base, relationship
from sqlalchemy.types import TypeDecorator


class JSONDict(TypeDecorator):
    impl = Text

    def process_bind_param(self, value, dialect):
        return None if value is None else json.dumps(value)

    def process_result_value(self, value, dialect):
        return None if value is None else json.loads(value)


class JSONList(JSONDict):
    def process_result_value(self, value, dialect):
        return [] if value is None else json.loads(value)


meta = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

Base = declarative_base(metadata=meta)


class Role(Base):
    __tablename__ = "roles"
    id = Column(Integer, primary_key=True)
    name = Column(Unicode(255), unique=True)
    scopes = Column(JSONList, default=[])
    managed_by_auth = Column(Integer, default=False)


class Spawner(Base):
    __tablename__ = "spawners"
    id = Column(Integer, primary_key=True)
    name = Column(Unicode(255))
    display_name = Column(Unicode(255))


class Service(Base):
    __tablename__ = "services"
    id = Column(Integer, primary_key=True)
    name = Column(Unicode(255), unique=True)


class APIToken(Base):
    __tablename__ = "api_tokens"
    id = Column(Integer, primary_key=True)
    scopes = Column(JSONList, default=[])


class OAuthClient(Base):
    __tablename__ = "oauth_clients"
    id = Column(Integer, primary_key=True)
    identifier = Column(Unicode(255), unique=True)
    spawner_id = Column(Integer, ForeignKey("spawners.id", ondelete="SET NULL"))
    spawner = relationship(Spawner)
    service_id = Column(Integer, ForeignKey("services.id", ondelete="SET NULL"))
    service = relationship(Service)
    allowed_scopes = Column(JSONList, default=[])
