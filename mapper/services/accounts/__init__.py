"""Accounts, their API tokens and the sign-in of people."""
from .accounts import (account_view, create_account, deactivate_account, get_account,
                       issue_account_token, revoke_tokens, token_views)
from .signin import authenticate, create_signin_link, set_password, use_signin_link

__all__ = ["account_view", "authenticate", "create_account", "create_signin_link",
           "deactivate_account", "get_account", "issue_account_token", "revoke_tokens",
           "set_password", "token_views", "use_signin_link"]
