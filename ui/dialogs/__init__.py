"""Dialogs of the front door: the intake form, the decision, the request view, a new family."""
