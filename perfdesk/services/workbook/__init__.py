"""A whole plan as an Excel workbook (docs/workbook-format.md): the sheet layout, reading, writing,
the safety checks on any .xlsx, and import/export through the database (`exchange`)."""
