"""The printed board pack, drawn with reportlab.

This package sits in the services layer: it reads `perfdesk.services.pack.model`
and never imports Qt. reportlab is heavy, so nothing imports this package at
start-up: the window and the command line import `perfdesk.reports.pack`
when the user asks for a pack.
"""
