"""Qt item models over the Archive (house style §6.5): thin, cached by id, write via the undo stack."""
