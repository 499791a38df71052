# Stub of mlflow.entities.lifecycle_stage.
from mlflow.entities import ViewType


class LifecycleStage:
    ACTIVE = "active"
    DELETED = "deleted"

    @classmethod
    def view_type_to_stages(cls, view_type=ViewType.ALL):
        stages = []
        if view_type in (ViewType.ACTIVE_ONLY, ViewType.ALL):
            stages.append(cls.ACTIVE)
        if view_type in (ViewType.DELETED_ONLY, ViewType.ALL):
            stages.append(cls.DELETED)
        return stages
