"""Lead returns: an Excel workbook per lead for people without PerfDesk (`write`), read back
(`read`) and applied as ordinary edits (`apply`)."""
