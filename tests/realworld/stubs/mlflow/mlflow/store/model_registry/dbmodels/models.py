# Stub of mlflow/store/model_registry/dbmodels/models.py: the table names migrations use.
from sqlalchemy import Column, Integer

from mlflow.store.db.base_sql_model import Base


def _named(class_name, table_name):
    return type(class_name, (Base,), {
        "__tablename__": table_name,
        "id": Column(Integer, primary_key=True),
    })


SqlRegisteredModel = _named("SqlRegisteredModel", "registered_models")
SqlModelVersion = _named("SqlModelVersion", "model_versions")
SqlRegisteredModelTag = _named("SqlRegisteredModelTag", "registered_model_tags")
SqlModelVersionTag = _named("SqlModelVersionTag", "model_version_tags")
SqlRegisteredModelAlias = _named("SqlRegisteredModelAlias", "registered_model_aliases")
SqlWebhook = _named("SqlWebhook", "webhooks")
SqlWebhookEvent = _named("SqlWebhookEvent", "webhook_events")
