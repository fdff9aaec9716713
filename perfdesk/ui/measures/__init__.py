"""The measures page, the measure editor and its chart."""
