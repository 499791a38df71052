# Stub: the declarative base env.py takes target_metadata from.
from sqlalchemy.orm import declarative_base

Base = declarative_base()
