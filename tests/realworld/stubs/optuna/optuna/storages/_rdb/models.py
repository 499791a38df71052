# Stub: the declarative base Optuna's env.py takes target_metadata from.
from sqlalchemy.orm import declarative_base

BaseModel = declarative_base()
