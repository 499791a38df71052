# Stub of jupyterhub.roles: the one function the api_token_scopes migration calls.
def roles_to_scopes(roles):
    raw_scopes = set()
    for role in roles:
        raw_scopes.update(role.scopes)
    return raw_scopes
