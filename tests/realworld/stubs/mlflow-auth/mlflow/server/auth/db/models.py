# Stub: the declarative base the auth env.py takes target_metadata from.
from sqlalchemy.orm import declarative_base

Base = declarative_base()
