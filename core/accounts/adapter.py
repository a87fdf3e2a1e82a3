from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are made by services (group signup, invitations, volunteer registration),
    never by allauth's open signup form."""

    def is_open_for_signup(self, request) -> bool:
        return False
