# Stub: used only as a Pydantic(...) column type argument.
class StateDetails: pass
