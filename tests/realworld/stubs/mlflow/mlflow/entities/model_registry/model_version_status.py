# Stub of mlflow.entities.model_registry.model_version_status.
class ModelVersionStatus:
    PENDING_REGISTRATION = 1
    FAILED_REGISTRATION = 2
    READY = 3
    _NAMES = {1: "PENDING_REGISTRATION", 2: "FAILED_REGISTRATION", 3: "READY"}

    @staticmethod
    def to_string(status):
        return ModelVersionStatus._NAMES[status]
