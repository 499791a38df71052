# Stub: used only as a Pydantic(...) column type argument.
ServerActionTypes = object
