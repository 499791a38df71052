# Stub: the run statuses and view types of mlflow.entities.
class RunStatus:
    RUNNING = 1
    SCHEDULED = 2
    FINISHED = 3
    FAILED = 4
    KILLED = 5
    _NAMES = {1: "RUNNING", 2: "SCHEDULED", 3: "FINISHED", 4: "FAILED", 5: "KILLED"}

    @staticmethod
    def to_string(status):
        return RunStatus._NAMES[status]


class ViewType:
    ACTIVE_ONLY = 1
    DELETED_ONLY = 2
    ALL = 3
