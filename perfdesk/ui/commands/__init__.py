"""The window's menu commands, grouped by menu (file, plan, printing, returns, sync). They depend
on the small window protocol in `window`, not on MainWindow."""
