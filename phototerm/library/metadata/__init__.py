"""Reading what files say about themselves: EXIF (reader, exiftags), XMP (xmp, sidecar) and
the disposable cache of what was read (cache)."""
