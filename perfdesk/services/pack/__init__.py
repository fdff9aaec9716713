"""What goes into a printed board pack, as at a date: the contract (`model`) and gathering it from
the database (`data`). Drawing it is perfdesk.reports."""
