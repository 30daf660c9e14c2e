"""Authoring: surveys as an owner writes them. The editor's form, copy-on-write versions,
ready-made templates, where each survey runs, and who may edit or view them."""
