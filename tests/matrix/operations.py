from tests.matrix import ROLES, Row

# The load balancer's health check: the same answer for everyone, signed in or not; only GET and HEAD.
ROWS = [
    Row("operations:healthz", get=dict.fromkeys(ROLES, 200), post=dict.fromkeys(ROLES, 405)),
]
