"""The Qt window: presents plans and calls services."""
