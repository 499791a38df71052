# Stub of the `prefect` package for the real-world corpus test (tests/realworld.rs): only what
# Prefect 3.9.1's SQLite migrations use. `import prefect` makes the submodules reachable as
# attributes, as the real package's imports do.
import prefect.server.utilities.database
import prefect.server.schemas.core
import prefect.server.schemas.states
import prefect.server.schemas.schedules
