# Stub: schema classes used only as Pydantic(...) column type arguments.
class CreatedBy: pass
class UpdatedBy: pass
class QueueFilter: pass
class TaskRunPolicy: pass
class TaskRunResult: pass
class Parameter: pass
class Constant: pass
class WorkPoolStorageConfiguration: pass
class ConcurrencyOptions: pass
