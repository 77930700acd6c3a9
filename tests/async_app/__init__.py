"""Entities whose async actions call the entity API directly, and whose changes send events."""
