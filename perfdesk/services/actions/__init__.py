"""Actions: editing one, the rows the lists show, one action in detail, and the list as CSV."""
