# Stub: used only as a Pydantic(...) column type argument.
SCHEDULE_TYPES = object
