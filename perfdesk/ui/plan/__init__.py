"""One plan's tab: the navigator, the filter bar, the action list and the action editor."""
