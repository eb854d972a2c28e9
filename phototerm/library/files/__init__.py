"""Files of a space as phototerm may touch them: ``links`` (a symbolic link is followed only
inside the space), ``regular`` (only regular files are opened, so a FIFO never blocks) and
``folders`` (folders opened one name at a time without following links, for moves that must
stay inside the space)."""
