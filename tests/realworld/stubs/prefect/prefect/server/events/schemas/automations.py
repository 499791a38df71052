# Stub: used only as Pydantic(...) column type arguments.
class Firing: pass
ServerTriggerTypes = object
