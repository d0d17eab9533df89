"""Helpers shared by the test folders: the kinds' lifecycle cases, a seeded sandbox, edits made in Adobe's UI."""
