"""Entities whose actions are written the Nitro way: the shortcuts, rate limits, cached answers."""
