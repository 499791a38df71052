# Stub: the model whose metadata Buildbot's env.py uses as target_metadata.
import sqlalchemy as sa


class Model:
    metadata = sa.MetaData()
