"""Capture: what a customer answers on any channel. Taps and follow-up answers stored,
conditions that pick the questions, the rules that say negative or positive."""
