"""Accounts, their API tokens and the sign-in of people."""
from .accounts import create_account
from .signin import authenticate, create_signin_link, set_password, use_signin_link

__all__ = ["authenticate", "create_account", "create_signin_link", "set_password",
           "use_signin_link"]
