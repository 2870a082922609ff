"""Flow dialogs on botbuilder-dialogs (the "flows" issue). Flows themselves are data in the plan."""
