"""Edits that never lose a save: the save path (lock, version check, history, rules), edit-time
checks, editor accounts, the sign-in throttle and the OSM import that writes through the same
save. May import `plans` and below; never `web` or `printing`."""
