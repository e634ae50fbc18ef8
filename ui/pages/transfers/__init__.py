"""Step-up and step-down: the coordinator's queue, the step-up list, their dialogs and closure."""
