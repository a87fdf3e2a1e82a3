from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idHasher(Argon2PasswordHasher):
    """Argon2id at OWASP's recommended minimum: 19 MiB of memory, 2 passes, 1 lane.

    Django's defaults (100 MiB, 8 lanes) cost ~170 ms of both cores per hash here, which
    would dominate signup and login latency and let a burst of logins starve the server.
    Hashes made with other parameters are re-hashed on the next successful login.
    """

    time_cost = 2
    memory_cost = 19456
    parallelism = 1
