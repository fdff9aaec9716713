"""Work on plans: import/export, summaries, demo data. No Qt."""
