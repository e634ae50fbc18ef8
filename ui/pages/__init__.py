"""The pages of the main window's stacked area: search, referrals inbox, family."""
