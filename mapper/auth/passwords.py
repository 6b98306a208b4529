"""Password hashing: scrypt through werkzeug (memory-hard), and a minimal strength rule."""
from __future__ import annotations

from werkzeug.security import check_password_hash, generate_password_hash

MIN_LENGTH = 12


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def verify_password(stored: str | None, password: str) -> bool:
    if not stored:
        # Same cost as a real check, so timing does not reveal which emails exist.
        check_password_hash(_DUMMY, password)
        return False
    return check_password_hash(stored, password)


def password_problems(password: str, email: str = "") -> list[str]:
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"au moins {MIN_LENGTH} caractères")
    if email and email.split("@")[0].lower() in password.lower():
        problems.append("ne doit pas contenir votre adresse e-mail")
    if len(set(password)) < 5:
        problems.append("trop peu de caractères différents")
    return problems


_DUMMY = generate_password_hash("not-a-real-password", method="scrypt")
