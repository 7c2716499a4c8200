"""Regulatory deadlines: obligations extracted from watched pages, reconciled across versions.

Pure code (no database, no web): ``extract`` finds dated obligations in a
page's text, ``reconcile`` decides what a new version of the page changes,
``wording`` writes dates and moves in French.
"""
