from django.contrib.auth import hashers


class Argon2PasswordHasher(hashers.Argon2PasswordHasher):
    """Argon2id with the parameters OWASP's Password Storage Cheat Sheet gives as its first
    configuration: 19 MiB of memory, 2 passes, 1 lane (Django's defaults are 100 MiB, 2 passes,
    8 lanes).

    Measured on the 2-vCPU machine this runs on (bench/login.py; hashing alone, in-process): Django's
    defaults took 0.35-0.8 s a hash as the load varied, which put the login's p50 over the 0.3 s goal,
    and held 100 MiB per login in progress (800 MiB with the 8 threads of `make run`); these
    parameters take 0.03-0.12 s and 19 MiB. The algorithm name stays ``argon2``: hashes made with
    Django's defaults still verify and are rewritten with these parameters at the next login.
    """

    time_cost = 2
    memory_cost = 19456  # KiB
    parallelism = 1
